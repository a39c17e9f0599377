package dev.specula.speculative;

import java.util.Arrays;

/**
 * The tokens a drafter proposes in one round, each with the distribution q it was drawn from. A
 * deterministic proposal (argmax, n-gram lookup) carries no vector: its q is one-hot at the token.
 * Reused from round to round, so proposing allocates nothing once the buffers have grown.
 */
public final class Draft {
    private final int vocabSize;
    private int[] tokens = new int[8];
    private float[][] distributions = new float[8][];
    private boolean[] sampled = new boolean[8];
    private int size;

    public Draft(int vocabSize) {
        this.vocabSize = vocabSize;
    }

    public int size() {
        return size;
    }

    public int token(int i) {
        return tokens[checked(i)];
    }

    /** The q that proposal {@code i} was drawn from, or null when it is one-hot at {@link #token}. */
    public float[] distribution(int i) {
        return sampled[checked(i)] ? distributions[i] : null;
    }

    public void clear() {
        size = 0;
    }

    /** Appends a proposal; {@code q} (copied) is the distribution it was drawn from, null for one-hot. */
    public void add(int token, float[] q) {
        if (size == tokens.length) {
            tokens = Arrays.copyOf(tokens, size * 2);
            distributions = Arrays.copyOf(distributions, size * 2);
            sampled = Arrays.copyOf(sampled, size * 2);
        }
        tokens[size] = token;
        sampled[size] = q != null;
        if (q != null) {
            if (distributions[size] == null) distributions[size] = new float[vocabSize];
            System.arraycopy(q, 0, distributions[size], 0, vocabSize);
        }
        size++;
    }

    private int checked(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException(i + " of " + size);
        return i;
    }
}
