package dev.specula.vision;

/**
 * The vision tower's output before the projector: {@code tokens} rows of {@code width} floats, one per
 * image patch (llama.cpp's order). The image-adapter draft feeds these to a projector of its own.
 */
public record ImageFeatures(int tokens, int width, float[] data) {

    public ImageFeatures {
        if ((long) tokens * width != data.length) {
            throw new IllegalArgumentException(tokens + " x " + width + " features need " + (long) tokens * width
                    + " floats, got " + data.length);
        }
    }
}
