package dev.specula.image;

import dev.specula.vision.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class OrientationTest {

    private static RgbImage random(Random rnd) {
        int w = 1 + rnd.nextInt(9), h = 1 + rnd.nextInt(9);
        byte[] b = new byte[w * h * 3];
        rnd.nextBytes(b);
        return new RgbImage(w, h, b);
    }

    private static RgbImage o(RgbImage img, int orientation) {
        return Orientation.apply(img, orientation);
    }

    @Test
    void orientationsComposeAsTheirGeometrySays() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 100; trial++) {
            RgbImage img = random(rnd);
            assertThat(o(img, 1)).isSameAs(img);
            assertThat(o(o(img, 2), 2).rgb()).isEqualTo(img.rgb());       // a mirror undoes itself
            assertThat(o(o(img, 2), 4).rgb()).isEqualTo(o(img, 3).rgb()); // mirror both ways = rotate 180
            assertThat(o(o(img, 6), 6).rgb()).isEqualTo(o(img, 3).rgb()); // two quarter turns
            assertThat(o(o(img, 6), 8).rgb()).isEqualTo(img.rgb());       // clockwise then back
            assertThat(o(o(img, 5), 5).rgb()).isEqualTo(img.rgb());       // transpose is an involution
            assertThat(o(o(img, 7), 7).rgb()).isEqualTo(img.rgb());
            for (int k = 5; k <= 8; k++) {
                assertThat(o(img, k).width()).isEqualTo(img.height());
            }
        }
    }

    @Test
    void orientationSixShowsTheStoredTopLeftAtTheTopRight() {
        RgbImage img = new RgbImage(3, 2, new byte[]{1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6});
        RgbImage shown = o(img, 6);
        assertThat(shown.width()).isEqualTo(2);
        assertThat(shown.sample(1, 0, 0)).isEqualTo(1);
        assertThat(shown.sample(0, 0, 0)).isEqualTo(4);
        assertThat(shown.sample(1, 2, 0)).isEqualTo(3);
    }

    @Test
    void readsTheOrientationTagInBothByteOrders() {
        for (boolean little : new boolean[]{true, false}) {
            byte[] app1 = exif(little, 8);
            assertThat(JpegMarkers.exifOrientation(app1, 0, app1.length)).isEqualTo(8);
        }
        byte[] bogus = exif(true, 42);
        assertThat(JpegMarkers.exifOrientation(bogus, 0, bogus.length)).isEqualTo(1);
    }

    /** "Exif\0\0" + a TIFF header + IFD0 holding one SHORT entry: tag 0x0112 = value. */
    private static byte[] exif(boolean little, int value) {
        byte[] b = new byte[6 + 8 + 2 + 12 + 4];
        System.arraycopy("Exif".getBytes(), 0, b, 0, 4);
        int t = 6;
        b[t] = b[t + 1] = (byte) (little ? 'I' : 'M');
        put16(b, t + 2, 42, little);
        put16(b, t + 4, little ? 8 : 0, little);
        put16(b, t + 6, little ? 0 : 8, little);
        put16(b, t + 8, 1, little);
        put16(b, t + 10, 0x0112, little);
        put16(b, t + 12, 3, little);
        put16(b, t + 14, little ? 1 : 0, little);
        put16(b, t + 16, little ? 0 : 1, little);
        put16(b, t + 18, value, little);
        return b;
    }

    private static void put16(byte[] b, int at, int v, boolean little) {
        b[at] = (byte) (little ? v : v >> 8);
        b[at + 1] = (byte) (little ? v >> 8 : v);
    }
}
