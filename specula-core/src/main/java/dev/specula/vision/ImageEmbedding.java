package dev.specula.vision;

/**
 * Projected image embeddings, the language model's input for one image: {@code tokens} rows of
 * {@code width} (= the language model's embedding length) floats. Immutable by convention, so one
 * encoding can be kept and fed again on later turns.
 */
public record ImageEmbedding(int tokens, int width, float[] data) {

    public ImageEmbedding {
        if ((long) tokens * width != data.length) {
            throw new IllegalArgumentException(tokens + " x " + width + " embeddings need " + (long) tokens * width
                    + " floats, got " + data.length);
        }
    }

    /** Row {@code t} copied into {@code out[offset..offset+width)}. */
    public void row(int t, float[] out, int offset) {
        System.arraycopy(data, t * width, out, offset, width);
    }
}
