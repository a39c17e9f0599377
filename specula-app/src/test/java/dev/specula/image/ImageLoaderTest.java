package dev.specula.image;

import dev.specula.vision.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Decoded pixels against llama.cpp's own decode ({@code expected/decoded_rgb}, stb_image with 3 channels)
 * and the loader's refusals. Images in this package's test resources were written by Pillow from the
 * core fixtures (see README.md there).
 */
class ImageLoaderTest {
    private final ImageLoader loader = new ImageLoader();

    @TempDir
    Path tmp;

    static Path fixture(String relative) {
        String base = System.getProperty("specula.testFixtures");
        Path root = base != null ? Path.of(base) : Path.of("../specula-core/src/test/resources/fixtures");
        return root.resolve(relative);
    }

    static Path own(String name) {
        try {
            return Path.of(ImageLoaderTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static RgbImage llamaCppDecode(String image, int w, int h) throws IOException {
        return new RgbImage(w, h, Files.readAllBytes(fixture("expected/decoded_rgb/" + image + ".rgb")));
    }

    @ParameterizedTest
    @CsvSource({"shapes_160x120,160,120", "gray_64x64,64,64", "rgba_80x80,80,80"})
    void decodesPngsExactlyAsLlamaCpp(String image, int w, int h) throws IOException {
        RgbImage img = loader.load(fixture("images/" + image + ".png"));
        assertThat(img.width()).isEqualTo(w);
        assertThat(img.height()).isEqualTo(h);
        assertThat(img.rgb()).isEqualTo(llamaCppDecode(image, w, h).rgb());
    }

    @Test
    void dropsAlphaWithoutCompositing() throws IOException {
        // the fully transparent background keeps its stored colour (10, 200, 120)
        RgbImage img = loader.load(fixture("images/rgba_80x80.png"));
        assertThat(new int[]{img.sample(0, 0, 0), img.sample(0, 0, 1), img.sample(0, 0, 2)}).containsExactly(10, 200, 120);
    }

    /**
     * libjpeg (behind ImageIO) and stb_image use different IDCTs and chroma upsampling, so JPEG pixels
     * differ slightly from llama.cpp's: at most 2 levels on this 4:2:0 fixture, 0.05 on average.
     */
    @Test
    void decodesTheFixtureJpegWithinTwoLevelsOfStbImage() throws IOException {
        RgbImage img = loader.load(fixture("images/gradient_97x131.jpg"));
        byte[] expected = llamaCppDecode("gradient_97x131", 97, 131).rgb();
        assertThat(img.width()).isEqualTo(97);
        assertThat(img.height()).isEqualTo(131);
        int max = 0;
        long total = 0;
        for (int i = 0; i < expected.length; i++) {
            int d = Math.abs((img.rgb()[i] & 0xff) - (expected[i] & 0xff));
            max = Math.max(max, d);
            total += d;
        }
        assertThat(max).isLessThanOrEqualTo(2);
        assertThat((double) total / expected.length).isLessThan(0.1);
    }

    @ParameterizedTest
    @CsvSource({"shapes_160x120.gif,shapes_160x120,160,120", "shapes_160x120.bmp,shapes_160x120,160,120",
            "shapes_160x120.webp,shapes_160x120,160,120", "shapes_palette_160x120.png,shapes_160x120,160,120",
            "rgba_80x80.webp,rgba_80x80,80,80", "gray16_64x64.png,gray_64x64,64,64"})
    void decodesLosslessFormatsExactly(String file, String image, int w, int h) throws IOException {
        assertThat(loader.load(own(file)).rgb()).isEqualTo(llamaCppDecode(image, w, h).rgb());
    }

    @Test
    void replicatesGreyJpegsToRgb() throws IOException {
        RgbImage img = loader.load(own("gray_64x64.jpg"));
        byte[] source = llamaCppDecode("gray_64x64", 64, 64).rgb();
        for (int i = 0; i < img.rgb().length; i += 3) {
            assertThat(img.rgb()[i + 1]).isEqualTo(img.rgb()[i]);
            assertThat(img.rgb()[i + 2]).isEqualTo(img.rgb()[i]);
        }
        assertThat(meanAbsDifference(img.rgb(), source)).isLessThan(2.0);
    }

    /** Colour-managed by the TwelveMonkeys plugin (stb_image's naive CMYK formula would differ a little). */
    @Test
    void convertsCmykJpegsToRgb() throws IOException {
        RgbImage img = loader.load(own("shapes_cmyk_160x120.jpg"));
        assertThat(img.width()).isEqualTo(160);
        assertThat(meanAbsDifference(img.rgb(), llamaCppDecode("shapes_160x120", 160, 120).rgb())).isLessThan(1.0);
    }

    @Test
    void turnsJpegsUprightByTheirExifOrientation() throws IOException {
        RgbImage plain = loader.load(own("shapes_160x120.jpg"));
        RgbImage rotated = loader.load(own("shapes_160x120_exif6.jpg"));
        assertThat(rotated.width()).isEqualTo(120);
        assertThat(rotated.height()).isEqualTo(160);
        // orientation 6: the stored image is shown turned 90 degrees clockwise
        for (int y = 0; y < 160; y++) {
            for (int x = 0; x < 120; x++) {
                for (int c = 0; c < 3; c++) {
                    assertThat(rotated.sample(x, y, c)).isEqualTo(plain.sample(y, 119 - x, c));
                }
            }
        }
    }

    @Test
    void refusesAMissingFile() {
        Path p = tmp.resolve("nope.png");
        assertThatThrownBy(() -> loader.load(p)).isInstanceOf(ImageLoadException.class)
                .hasMessage(p + ": no such file");
    }

    @Test
    void refusesADirectory() {
        assertThatThrownBy(() -> loader.load(tmp)).isInstanceOf(ImageLoadException.class).hasMessageContaining("directory");
    }

    @Test
    void refusesAFileThatIsNotAnImage() throws IOException {
        Path p = Files.writeString(tmp.resolve("notes.png"), "USER: hello\n");
        assertThatThrownBy(() -> loader.load(p)).isInstanceOf(ImageLoadException.class)
                .hasMessageStartingWith(p.toString()).hasMessageContaining("not an image");
        Path empty = Files.write(tmp.resolve("empty.jpg"), new byte[0]);
        assertThatThrownBy(() -> loader.load(empty)).isInstanceOf(ImageLoadException.class).hasMessageContaining("empty");
    }

    @Test
    void refusesTruncatedJpegsAtAnyCut() throws IOException {
        byte[] jpeg = Files.readAllBytes(fixture("images/gradient_97x131.jpg"));
        for (int cut : new int[]{jpeg.length - 2, jpeg.length - 1, jpeg.length * 3 / 4, jpeg.length / 2, 700}) {
            Path p = Files.write(tmp.resolve("cut" + cut + ".jpg"), Arrays.copyOf(jpeg, cut));
            assertThatThrownBy(() -> loader.load(p)).as("cut at %d", cut).isInstanceOf(ImageLoadException.class)
                    .hasMessageStartingWith(p.toString()).hasMessageContaining("truncated");
        }
    }

    @Test
    void refusesTruncatedPngs() throws IOException {
        byte[] png = Files.readAllBytes(fixture("images/shapes_160x120.png"));
        Path p = Files.write(tmp.resolve("cut.png"), Arrays.copyOf(png, png.length / 2));
        assertThatThrownBy(() -> loader.load(p)).isInstanceOf(ImageLoadException.class)
                .hasMessageStartingWith(p.toString()).hasMessageContaining("truncated or corrupt");
    }

    @Test
    void refusesAHugeDeclaredSizeBeforeDecoding() throws IOException {
        Path p = Files.write(tmp.resolve("bomb.png"), pngHeader(100_000, 100_000));
        assertThatThrownBy(() -> loader.load(p)).isInstanceOf(ImageLoadException.class)
                .hasMessage(p + ": PNG image is 100000x100000 (10000.0 megapixels), over the limit of 50.0 megapixels");
    }

    @Test
    void theSizeLimitIsConfigurable() throws IOException {
        Path shapes = fixture("images/shapes_160x120.png");
        assertThatThrownBy(() -> new ImageLoader(160 * 120 - 1).load(shapes)).isInstanceOf(ImageLoadException.class)
                .hasMessageContaining("over the limit");
        assertThat(new ImageLoader(160 * 120).load(shapes).width()).isEqualTo(160);
    }

    /** A PNG signature and a valid IHDR (8-bit RGB) declaring {@code w x h}, and nothing else. */
    static byte[] pngHeader(int w, int h) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        DataOutputStream c = new DataOutputStream(chunk);
        c.writeBytes("IHDR");
        c.writeInt(w);
        c.writeInt(h);
        c.write(new byte[]{8, 2, 0, 0, 0});
        byte[] body = chunk.toByteArray();
        out.writeInt(body.length - 4);
        out.write(body);
        CRC32 crc = new CRC32();
        crc.update(body);
        out.writeInt((int) crc.getValue());
        return bytes.toByteArray();
    }

    private static double meanAbsDifference(byte[] a, byte[] b) {
        long total = 0;
        for (int i = 0; i < a.length; i++) total += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        return (double) total / a.length;
    }
}
