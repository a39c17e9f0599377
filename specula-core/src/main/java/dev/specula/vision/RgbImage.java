package dev.specula.vision;

/**
 * A decoded 8-bit RGB image: {@code rgb} holds {@code width * height * 3} bytes, row-major, R G B per
 * pixel, exactly what llama.cpp's stb_image decode hands to the preprocessor.
 */
public record RgbImage(int width, int height, byte[] rgb) {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if ((long) width * height * 3 != rgb.length) {
            throw new IllegalArgumentException(width + "x" + height + " RGB needs " + (long) width * height * 3
                    + " bytes, got " + rgb.length);
        }
    }

    /** Channel {@code c} (0 = R) of pixel (x, y), 0..255. */
    public int sample(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }
}
