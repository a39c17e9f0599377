package dev.specula.model;

/**
 * A causal language model with its own KV cache: the one contract that generation, the vision path
 * and speculative decoding share. Inputs are appended at {@link #position()}; the cache can be rolled
 * back to any earlier length, which is how speculative decoding discards rejected tokens.
 *
 * <p>Logits are written row by row into a caller-owned buffer, {@code vocabSize()} floats per row,
 * so the decode path allocates nothing.
 */
public interface LanguageModel extends AutoCloseable {

    int vocabSize();

    /** Width of the input embeddings (n_embd). */
    int embeddingLength();

    /** Maximum number of positions the KV cache holds. */
    int contextLength();

    /** Positions currently held in the KV cache. */
    int position();

    /** Rolls the KV cache back to {@code length} positions (0 ≤ length ≤ position()). */
    void truncate(int length);

    /**
     * Evaluates {@code count} tokens of {@code tokens} (from index 0) in one batched pass at positions
     * {@code position() .. position()+count-1}, and writes the logits of the last {@code logitRows}
     * positions into {@code logits} (row i = position {@code count-logitRows+i}).
     */
    void forward(int[] tokens, int count, int logitRows, float[] logits);

    /** Like {@link #forward}, with input embeddings ({@code count} rows of {@link #embeddingLength()}) instead of tokens. */
    void forwardEmbeddings(float[] embeddings, int count, int logitRows, float[] logits);

    /**
     * The most positions one pass may evaluate while its logits stay bit-identical to one-token logits:
     * the largest batch speculative verification may use, since greedy losslessness rests on that
     * equality. A model whose batched kernels add in one order at every size may keep the default.
     */
    default int maxVerifyBatch() {
        return Integer.MAX_VALUE;
    }

    /** Number of weight parameters, counted from the file (used for the MBSU cost ratio). */
    long parameterCount();

    @Override
    void close();
}
