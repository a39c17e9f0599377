package dev.specula.speculative;

import dev.specula.model.LanguageModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A deterministic stand-in for a language model: the logits at a position are a hashed table of the
 * input there (shared by every TableModel, so two of them agree often) plus a table of a hash of the
 * whole context (own to each seed, so they sometimes disagree). An embedding row counts as the input
 * whose id is in its element 0, so images of different widths can be "the same image".
 */
final class TableModel implements LanguageModel {
    final int vocab;
    final int width;
    final int context;
    final long seed;
    final float shared;
    final float own;
    final long parameters;
    private final long[] state;
    private final int[] inputs;
    private int position;
    int forwardCalls;
    int embeddingCalls;
    final List<Integer> batchSizes = new ArrayList<>();

    TableModel(int vocab, int width, int context, long seed, float shared, float own, long parameters) {
        this.vocab = vocab;
        this.width = width;
        this.context = context;
        this.seed = seed;
        this.shared = shared;
        this.own = own;
        this.parameters = parameters;
        this.state = new long[context];
        this.inputs = new int[context];
    }

    /** The same model with a fresh cache and counters. */
    TableModel copy() {
        return new TableModel(vocab, width, context, seed, shared, own, parameters);
    }

    /** Ids of the inputs now in the cache (embedding rows as their element 0 id). */
    int[] cached() {
        return Arrays.copyOf(inputs, position);
    }

    @Override public int vocabSize() { return vocab; }
    @Override public int embeddingLength() { return width; }
    @Override public int contextLength() { return context; }
    @Override public int position() { return position; }
    @Override public long parameterCount() { return parameters; }
    @Override public void close() {}

    @Override
    public void truncate(int length) {
        if (length < 0 || length > position) throw new IllegalArgumentException("truncate " + length + " of " + position);
        position = length;
    }

    @Override
    public void forward(int[] tokens, int count, int logitRows, float[] logits) {
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) throw new IllegalArgumentException("token " + tokens[i]);
            ids[i] = tokens[i];
        }
        run(ids, logitRows, logits);
    }

    @Override
    public void forwardEmbeddings(float[] embeddings, int count, int logitRows, float[] logits) {
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) ids[i] = (int) embeddings[i * width];
        embeddingCalls++;
        run(ids, logitRows, logits);
    }

    private void run(int[] ids, int logitRows, float[] logits) {
        if (position + ids.length > context) throw new IllegalStateException("context full");
        if (logitRows < 1 || logitRows > ids.length) throw new IllegalArgumentException("logit rows " + logitRows);
        forwardCalls++;
        batchSizes.add(ids.length);
        for (int i = 0; i < ids.length; i++) {
            long previous = position == 0 ? 0x9E3779B97F4A7C15L : state[position - 1];
            state[position] = mix(previous * 31 + ids[i]);
            inputs[position] = ids[i];
            position++;
            int row = i - (ids.length - logitRows);
            if (row >= 0) fill(ids[i], state[position - 1], logits, row * vocab);
        }
    }

    private void fill(int input, long context, float[] logits, int offset) {
        for (int v = 0; v < vocab; v++) {
            logits[offset + v] = shared * unit(mix(input * 1_000_003L + v)) + own * unit(mix(context ^ seed * 0x632BE59BD9B4E019L ^ v));
        }
    }

    private static float unit(long h) {
        return ((h >>> 40) / (float) (1L << 24)) * 2f - 1f;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
