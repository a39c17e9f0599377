package dev.specula.vision;

import dev.specula.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Random;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

class ImagePreprocessorTest {
    private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    @Test
    void bicubicResizeMatchesPillowByteForByte() throws IOException {
        int checked = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("pillow-bicubic.txt"), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] f = line.trim().split("\\s+");
                int w = Integer.parseInt(f[1]), h = Integer.parseInt(f[2]);
                RgbImage src = f[0].equals("noise") ? noise(w, h)
                        : new RgbImage(w, h, Files.readAllBytes(Fixtures.own("expected/decoded_rgb/" + f[0] + ".rgb")));
                RgbImage out = BicubicResampler.resize(src, Integer.parseInt(f[3]), Integer.parseInt(f[4]));
                CRC32 crc = new CRC32();
                crc.update(out.rgb());
                assertThat(String.format("%08x", crc.getValue())).as(line).isEqualTo(f[5]);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(44);
    }

    private static RgbImage noise(int w, int h) {
        byte[] b = new byte[w * h * 3];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (((i * 2654435761L) & 0xffffffffL) >>> 24);
        }
        return new RgbImage(w, h, b);
    }

    @Test
    void constantImagesStayConstantAtAnySize() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            int w = 1 + rnd.nextInt(60), h = 1 + rnd.nextInt(60);
            byte[] px = new byte[w * h * 3];
            byte[] colour = {(byte) rnd.nextInt(256), (byte) rnd.nextInt(256), (byte) rnd.nextInt(256)};
            for (int i = 0; i < px.length; i++) px[i] = colour[i % 3];
            RgbImage out = BicubicResampler.resize(new RgbImage(w, h, px), 1 + rnd.nextInt(90), 1 + rnd.nextInt(90));
            for (int i = 0; i < out.rgb().length; i++) {
                assertThat(out.rgb()[i]).as("trial %d %dx%d", trial, w, h).isEqualTo(colour[i % 3]);
            }
        }
    }

    @Test
    void keepsAnImageThatIsAlreadyTheTargetSize() {
        RgbImage img = noise(112, 112);
        assertThat(new ImagePreprocessor(112, CLIP_MEAN, CLIP_STD).letterbox(img)).isSameAs(img);
    }

    @Test
    void letterboxesWideImagesCentredOnThePadColour() {
        // 160x120 -> 112x84 at rows 14..97, like llama.cpp's (S - h') / 2 offset
        RgbImage out = new ImagePreprocessor(112, CLIP_MEAN, CLIP_STD).letterbox(noise(160, 120));
        assertThat(out.width()).isEqualTo(112);
        RgbImage resized = BicubicResampler.resize(noise(160, 120), 112, 84);
        for (int y = 0; y < 112; y++) {
            for (int x = 0; x < 112; x++) {
                for (int c = 0; c < 3; c++) {
                    int expected = y < 14 || y >= 98 ? ImagePreprocessor.PAD[c] & 0xff : resized.sample(x, y - 14, c);
                    assertThat(out.sample(x, y, c)).as("(%d,%d,%d)", x, y, c).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void roundsTheScaledSizeUpAndPadsOddWidthsLeftFirst() {
        // 97x131: scale 112/131 gives 82.93 -> 83 columns at x = 14..96, 14 pad columns left and 15 right
        RgbImage out = new ImagePreprocessor(112, CLIP_MEAN, CLIP_STD).letterbox(noise(97, 131));
        RgbImage resized = BicubicResampler.resize(noise(97, 131), 83, 112);
        for (int y = 0; y < 112; y++) {
            for (int x = 0; x < 112; x++) {
                int expected = x < 14 || x >= 97 ? ImagePreprocessor.PAD[0] & 0xff : resized.sample(x - 14, y, 0);
                assertThat(out.sample(x, y, 0)).isEqualTo(expected);
            }
        }
    }

    @Test
    void resizesOtherSquaresStraightToTheTargetSize() {
        RgbImage out = new ImagePreprocessor(112, CLIP_MEAN, CLIP_STD).letterbox(noise(80, 80));
        assertThat(out.rgb()).isEqualTo(BicubicResampler.resize(noise(80, 80), 112, 112).rgb());
    }

    @Test
    void normalisesPerChannelIntoPlanes() {
        RgbImage img = noise(4, 4);
        float[] px = new ImagePreprocessor(4, CLIP_MEAN, CLIP_STD).normalize(img);
        assertThat(px).hasSize(48);
        for (int i = 0; i < 16; i++) {
            for (int c = 0; c < 3; c++) {
                float expected = ((img.rgb()[i * 3 + c] & 0xff) / 255f - CLIP_MEAN[c]) / CLIP_STD[c];
                assertThat(px[c * 16 + i]).isEqualTo(expected);
            }
        }
    }
}
