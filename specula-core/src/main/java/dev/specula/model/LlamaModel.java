package dev.specula.model;

import dev.specula.gguf.GgufFile;
import dev.specula.model.LlamaWeights.Layer;
import dev.specula.tensor.Matrix;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.format.HalfDot;
import dev.specula.tensor.infra.CMath;
import dev.specula.tensor.kernel.TiledAttention;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.DoubleConsumer;

/**
 * A Llama-family decoder over the mapped weights of a GGUF file, computed the way llama.cpp computes
 * {@code arch=llama}: pre-RMSNorm blocks of GQA attention with RoPE (adjacent pairs rotated) and a SwiGLU
 * feed-forward. Inputs are evaluated a batch of positions at a time so that each weight is read once per
 * batch; every buffer is sized for the largest batch at load time, so decoding allocates nothing.
 */
public final class LlamaModel implements LanguageModel {

    /**
     * @param contextLength positions of the KV cache; 0 takes the model's trained context
     * @param maxBatch      the most positions evaluated in one pass; longer inputs go in chunks
     * @param progress      told the fraction of the weights paged in (0 to 1) while loading; may be null,
     *                      and then pages load lazily on first use
     */
    public record Options(int contextLength, int maxBatch, DoubleConsumer progress) {
        public Options {
            if (contextLength < 0) throw new IllegalArgumentException("context length must be >= 0, got " + contextLength);
            if (maxBatch < 1) throw new IllegalArgumentException("batch size must be positive, got " + maxBatch);
        }

        public static Options defaults() {
            return new Options(0, 128, null);
        }

        public Options withContextLength(int n) {
            return new Options(n, maxBatch, progress);
        }

        public Options withMaxBatch(int n) {
            return new Options(contextLength, n, progress);
        }

        public Options withProgress(DoubleConsumer p) {
            return new Options(contextLength, maxBatch, p);
        }
    }

    private final LlamaWeights weights;
    private final boolean ownsWeights;
    private final LlamaConfig config;
    private final Parallel pool;
    private final Matrix tokenEmbedding;
    private final Layer[] layers;
    private final float[] outputNorm;
    private final Matrix output;
    private final float[] ropeFactors;
    private final KvCache cache;
    private final int maxBatch;

    // Work buffers, one row per position of a batch.
    private final float[] x, xb, q, k, v, att, xb2, hGate, hUp, hidden;
    private final float[] ropeCos, ropeSin;
    /** {@link #attendHalf}'s queries rounded to F16 (laid out as {@link #q}), and its softmax max and sum per row and head. */
    private final float[] halfQuery, rowMax, rowSum;
    private final float attentionScale;

    // The attention step's arguments, read by the pool's threads.
    private final Parallel.RangeTask attentionTask = this::attendHeads;
    private int attnLayer, attnCount, attnStart;

    /**
     * A session over shared weights: its own KV cache and work buffers, and the pool its passes run on
     * (one caller at a time per pool, so concurrent sessions each bring their own).
     */
    private LlamaModel(LlamaWeights weights, boolean ownsWeights, Parallel pool, Options options) {
        this.weights = weights;
        this.ownsWeights = ownsWeights;
        this.config = weights.config();
        this.pool = pool;
        LlamaConfig c = config;
        int dim = c.embeddingLength();
        tokenEmbedding = weights.tokenEmbedding();
        layers = weights.layers();
        outputNorm = weights.outputNorm();
        output = weights.output();
        ropeFactors = weights.ropeFactors();

        int context = options.contextLength() > 0 ? options.contextLength() : c.contextLength();
        cache = new KvCache(layers.length, context, c.kvLength());
        maxBatch = Math.min(options.maxBatch(), context);
        int b = maxBatch;
        x = new float[b * dim];
        xb = new float[b * dim];
        xb2 = new float[b * dim];
        hidden = new float[b * dim];
        q = new float[b * c.queryLength()];
        att = new float[b * c.queryLength()];
        k = new float[b * c.kvLength()];
        v = new float[b * c.kvLength()];
        hGate = new float[b * c.feedForwardLength()];
        hUp = new float[b * c.feedForwardLength()];
        ropeCos = new float[b * c.ropeDimensionCount() / 2];
        ropeSin = new float[b * c.ropeDimensionCount() / 2];
        halfQuery = new float[b * c.queryLength()];
        rowMax = new float[b * c.headCount()];
        rowSum = new float[b * c.headCount()];
        // 1.0f / sqrtf(n_embd_head), in float as llama.cpp computes kq_scale
        attentionScale = 1f / (float) Math.sqrt(c.headSize());
    }

    /** A new session (KV cache and scratch) over {@code weights}, which stay open when the session closes. */
    public static LlamaModel session(LlamaWeights weights, Parallel pool, Options options) {
        return new LlamaModel(weights, false, pool, options);
    }

    /** A model over {@code file}, which must stay open while the model is used; {@link #close()} leaves it open. */
    public static LlamaModel load(GgufFile file, Parallel pool) {
        return load(file, pool, Options.defaults());
    }

    public static LlamaModel load(GgufFile file, Parallel pool, Options options) {
        return new LlamaModel(LlamaWeights.load(file, pool, options.progress(), false), true, pool, options);
    }

    /** Opens and maps the file; {@link #close()} closes it. */
    public static LlamaModel open(Path path, Parallel pool, Options options) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            return new LlamaModel(LlamaWeights.load(file, pool, options.progress(), true), true, pool, options);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public LlamaConfig config() {
        return config;
    }

    /** The weights this session reads; shared with every other session over them. */
    public LlamaWeights weights() {
        return weights;
    }

    public KvCache cache() {
        return cache;
    }

    /** The most positions evaluated in one pass. */
    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int embeddingLength() {
        return config.embeddingLength();
    }

    @Override
    public int contextLength() {
        return cache.capacity();
    }

    @Override
    public int position() {
        return cache.length();
    }

    @Override
    public void truncate(int length) {
        cache.truncate(length);
    }

    @Override
    public long parameterCount() {
        return weights.parameterCount();
    }

    /**
     * Up to this many positions in one pass, logits equal one-token logits bit for bit: from
     * {@value #TILED_QUERIES} rows on, attention switches to the tiled kernel, which adds in another order.
     */
    @Override
    public int maxVerifyBatch() {
        return Math.min(maxBatch, TILED_QUERIES - 1);
    }

    /** Writes the input embedding of {@code token} into {@code out[offset..offset+embeddingLength())}. */
    public void embed(int token, float[] out, int offset) {
        if (token < 0 || token >= config.vocabSize()) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + config.vocabSize());
        }
        tokenEmbedding.row(token, out, offset);
    }

    @Override
    public void forward(int[] tokens, int count, int logitRows, float[] logits) {
        checkBatch(count, tokens.length, logitRows, logits);
        for (int i = 0; i < count; i++) {
            if (tokens[i] < 0 || tokens[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at index " + i + " is outside the vocabulary of " + config.vocabSize());
            }
        }
        evaluate(tokens, null, count, logitRows, logits);
    }

    @Override
    public void forwardEmbeddings(float[] embeddings, int count, int logitRows, float[] logits) {
        checkBatch(count, embeddings.length / config.embeddingLength(), logitRows, logits);
        evaluate(null, embeddings, count, logitRows, logits);
    }

    private void checkBatch(int count, int available, int logitRows, float[] logits) {
        if (count < 1 || count > available) {
            throw new IllegalArgumentException("cannot evaluate " + count + " inputs out of " + available);
        }
        if (logitRows < 0 || logitRows > count) {
            throw new IllegalArgumentException("logit rows " + logitRows + " must lie in [0, " + count + "]");
        }
        if (logitRows > 0 && (logits == null || logits.length < (long) logitRows * config.vocabSize())) {
            throw new IllegalArgumentException("the logits buffer needs " + (long) logitRows * config.vocabSize() + " floats");
        }
        if (count > cache.capacity() - cache.length()) {
            throw new IllegalArgumentException(count + " inputs at position " + cache.length()
                    + " exceed the context length of " + cache.capacity() + " positions");
        }
    }

    private void evaluate(int[] tokens, float[] embeddings, int count, int logitRows, float[] logits) {
        int dim = config.embeddingLength();
        int first = count - logitRows;
        // Only a request for more logit rows than a batch (e.g. scoring a whole text) needs a larger buffer.
        float[] finals = logitRows <= maxBatch ? hidden : new float[logitRows * dim];
        for (int done = 0; done < count; done += maxBatch) {
            int n = Math.min(maxBatch, count - done);
            if (tokens != null) {
                for (int i = 0; i < n; i++) tokenEmbedding.row(tokens[done + i], x, i * dim);
            } else {
                System.arraycopy(embeddings, done * dim, x, 0, n * dim);
            }
            int outputs = Math.max(0, n - Math.max(0, first - done));
            blocks(n, outputs, logitRows == count);
            // the last block left the output rows at the start of x
            for (int j = 0; j < outputs; j++) {
                VectorOps.rmsNorm(x, j * dim, outputNorm, config.rmsEpsilon(), finals, (done + n - outputs + j - first) * dim);
            }
        }
        if (logitRows > 0) multiply(output, finals, logitRows, logits, logitRows == count);
    }

    /**
     * Runs every block over the {@code n} rows of {@link #x}, appending their keys and values to the cache.
     * Like llama.cpp, the last block finishes only the last {@code outputs} rows once its keys and values
     * are stored and its attention output projected: no other row's hidden state is read again.
     */
    private void blocks(int n, int outputs, boolean each) {
        LlamaConfig c = config;
        int dim = c.embeddingLength();
        float eps = c.rmsEpsilon();
        int start = cache.length();
        prepareRope(start, n);
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            for (int i = 0; i < n; i++) VectorOps.rmsNorm(x, i * dim, layer.attnNorm(), eps, xb, i * dim);
            multiply(layer.wq(), xb, n, q, each);
            multiply(layer.wk(), xb, n, k, each);
            multiply(layer.wv(), xb, n, v, each);
            rope(q, n, c.headCount());
            rope(k, n, c.headCountKv());
            cache.store(l, k, v, n);
            attnLayer = l;
            attnCount = n;
            attnStart = start;
            // a few heads over a short prefix cost less than waking the pool (as Product inlines small products)
            if ((long) c.headCount() * n * (start + n) * c.headSize() < ATTENTION_INLINE_WORK) attendHeads(0, c.headCount());
            else pool.forRange(c.headCount(), attentionTask);
            int rows = n;
            if (l == layers.length - 1 && outputs == 0) break;
            // the output projection over every row, as llama.cpp's graph selects the output rows only after it
            // (a prompt's batched order reaches the last layer's projection too)
            multiply(layer.wo(), att, n, xb2, each);
            if (l == layers.length - 1) {
                rows = outputs;
                System.arraycopy(xb2, (n - rows) * dim, xb2, 0, rows * dim);
                System.arraycopy(x, (n - rows) * dim, x, 0, rows * dim);
            }
            VectorOps.add(xb2, x, rows * dim);

            for (int i = 0; i < rows; i++) VectorOps.rmsNorm(x, i * dim, layer.ffnNorm(), eps, xb, i * dim);
            multiply(layer.gate(), xb, rows, hGate, each);
            multiply(layer.up(), xb, rows, hUp, each);
            VectorOps.swiglu(hGate, hUp, rows, c.feedForwardLength());
            multiply(layer.down(), hGate, rows, xb2, each);
            VectorOps.add(xb2, x, rows * dim);
        }
        cache.advance(n);
    }

    /**
     * A product of a pass: with {@code each} (a pass that returns every input's logits, as speculative verification
     * does), every input's values are those of one-token decoding, which keeps speculation lossless; a prompt's pass
     * adds as llama.cpp's batched kernels do, which gives its values ({@link Matrix#multiplyEach}).
     */
    private void multiply(Matrix m, float[] in, int batch, float[] out, boolean each) {
        if (each) m.multiplyEach(pool, in, batch, out);
        else m.multiply(pool, in, batch, out);
    }

    /**
     * Rotation angles for positions {@code start..start+n}, computed as ggml does: pair i turns by
     * {@code pos · base^(-2i/n_rot)}, the power built by repeated float multiplication.
     */
    private void prepareRope(int start, int n) {
        int half = config.ropeDimensionCount() / 2;
        float thetaScale = (float) Math.pow(config.ropeFreqBase(), -2.0 / config.ropeDimensionCount());
        for (int i = 0; i < n; i++) {
            float theta = start + i;
            for (int j = 0; j < half; j++) {
                float angle = config.ropeFreqScale() * (ropeFactors != null ? theta / ropeFactors[j] : theta);
                ropeCos[i * half + j] = CMath.cos(angle); // the C library's cosf and sinf, as ggml calls them
                ropeSin[i * half + j] = CMath.sin(angle);
                theta *= thetaScale;
            }
        }
    }

    /** Rotates adjacent pairs (x[2j], x[2j+1]) of the first n_rot dimensions of every head (llama.cpp's "normal" RoPE). */
    private void rope(float[] vectors, int n, int heads) {
        int hs = config.headSize();
        int half = config.ropeDimensionCount() / 2;
        for (int i = 0; i < n; i++) {
            for (int h = 0; h < heads; h++) {
                int base = (i * heads + h) * hs;
                for (int j = 0; j < half; j++) {
                    float cos = ropeCos[i * half + j], sin = ropeSin[i * half + j];
                    float x0 = vectors[base + 2 * j], x1 = vectors[base + 2 * j + 1];
                    // the fused forms ggml's rope compiles to (measured bit-exact against it)
                    vectors[base + 2 * j] = Math.fma(x0, cos, -(x1 * sin));
                    vectors[base + 2 * j + 1] = Math.fma(x0, sin, x1 * cos);
                }
            }
        }
    }

    /**
     * Causal attention for query heads {@code [from, to)} over the cache, each batch row seeing its own
     * prefix, with the arithmetic of llama.cpp's CPU flash attention: a batch of fewer than
     * {@value #TILED_QUERIES} rows (decoding, short prompts) runs its per-query kernel in half precision
     * ({@link #attendHalf}); larger batches run its tiled kernel, which stays in float, when the head size is a
     * whole number of AVX-512 vectors (16 floats: its {@code DV % GGML_F32_EPR} condition).
     */
    private void attendHeads(int from, int to) {
        int groups = config.kvGroups();
        boolean tiled = attnCount >= TILED_QUERIES && config.headSize() % 16 == 0;
        // consecutive query heads share a kv head, whose cached rows are widened once for all of them
        for (int h = from; h < to; ) {
            int end = Math.min(to, (h / groups + 1) * groups);
            if (tiled) attendTiled(h, end);
            else attendHalf(h, end);
            h = end;
        }
    }

    /**
     * The tiled kernel ({@link TiledAttention}) for query heads {@code [from, to)} of one kv group, over the whole
     * prefix widened (and its keys transposed) once; row i sees positions up to its own.
     */
    private void attendTiled(int from, int to) {
        LlamaConfig c = config;
        int hs = c.headSize();
        int qLen = c.queryLength();
        int positions = attnStart + attnCount;
        Widened w = WIDENED.get().ensure(positions * hs);
        w.widen(cache, attnLayer, from / c.kvGroups() * hs, c.kvLength(), hs, 0, positions);
        float[] keysT = w.transposeKeys(positions, hs);
        for (int h = from; h < to; h++) {
            for (int i = 0; i < attnCount; i++) {
                int qOffset = i * qLen + h * hs;
                TiledAttention.attend(q, qOffset, keysT, 0, positions, w.values, 0, attnStart + i + 1, hs,
                        attentionScale, att, qOffset, w.tile);
            }
        }
    }

    /** Positions widened at a time by {@link #attendHalf}: 64 rows of keys and values stay in L1/L2. */
    private static final int WIDEN_BLOCK = 64;

    /** Per thread: cached keys and values of one kv head as floats, row t at {@code [(t - first) * hs, +hs)}. */
    private static final class Widened {
        float[] keys = new float[0], values = new float[0], keysT = new float[0];
        final float[] tile = TiledAttention.scratch();

        Widened ensure(int n) {
            if (keys.length < n) {
                keys = new float[n];
                values = new float[n];
                keysT = new float[n];
            }
            return this;
        }

        /** The first {@code positions} widened keys transposed: component e of key t at {@code [e * positions + t]}. */
        float[] transposeKeys(int positions, int hs) {
            for (int t = 0; t < positions; t++) {
                for (int e = 0; e < hs; e++) keysT[e * positions + t] = keys[t * hs + e];
            }
            return keysT;
        }

        /** Widens positions {@code [first, end)} of the kv head at {@code kvOffset} (exact, so where it happens changes no bit). */
        void widen(KvCache cache, int layer, int kvOffset, int kvLen, int hs, int first, int end) {
            short[] k = cache.keys(layer), v = cache.values(layer);
            for (int t = first; t < end; t++) {
                KvCache.widen(k, t * kvLen + kvOffset, keys, (t - first) * hs, hs);
                KvCache.widen(v, t * kvLen + kvOffset, values, (t - first) * hs, hs);
            }
        }
    }

    private static final ThreadLocal<Widened> WIDENED = ThreadLocal.withInitial(Widened::new);

    /**
     * Below this many query-key products (heads × rows × positions × head size) attention runs on the calling
     * thread: a draft's decode step (4 heads of 32 over 100 positions: 13k) takes microseconds, and a worker
     * that a busy machine has descheduled would hold it up by a scheduler slice.
     */
    private static final long ATTENTION_INLINE_WORK = 1L << 14;

    /** llama.cpp tiles its flash attention from this many query rows on (GGML_FA_TILE_Q). */
    private static final int TILED_QUERIES = TiledAttention.TILE;

    /**
     * ggml's {@code flash_attn_ext_f16_one_chunk} with an F16 cache, for every query row of query heads
     * {@code [from, to)} (one kv group): each query rounded to F16 for the key dots, an online softmax, and the
     * value accumulator kept in F16, rounded after every rescale and every added value; divided by the softmax
     * sum in float at the end. The accumulator's rounding moves logits by up to 1e-2 on the fixture models, more
     * than any other step. Positions go in blocks of {@value #WIDEN_BLOCK}, each widened once for all the
     * group's queries; each query still sees its positions in order, so blocking changes no bit.
     */
    private void attendHalf(int from, int to) {
        LlamaConfig c = config;
        int hs = c.headSize();
        int qLen = c.queryLength();
        int positions = attnStart + attnCount;
        float[] qh = halfQuery, acc = att, max = rowMax, sum = rowSum;
        for (int h = from; h < to; h++) {
            for (int i = 0; i < attnCount; i++) {
                int qOffset = i * qLen + h * hs;
                VectorOps.roundToHalf(q, qOffset, qh, qOffset, hs);
                Arrays.fill(acc, qOffset, qOffset + hs, 0f);
                max[i * c.headCount() + h] = Float.NEGATIVE_INFINITY;
                sum[i * c.headCount() + h] = 0f;
            }
        }
        Widened w = WIDENED.get().ensure(WIDEN_BLOCK * hs);
        float[] key = w.keys, value = w.values;
        for (int first = 0; first < positions; first += WIDEN_BLOCK) {
            int end = Math.min(positions, first + WIDEN_BLOCK);
            w.widen(cache, attnLayer, from / c.kvGroups() * hs, c.kvLength(), hs, first, end);
            for (int h = from; h < to; h++) {
                for (int i = 0; i < attnCount; i++) {
                    int qOffset = i * qLen + h * hs;
                    int stop = Math.min(end, attnStart + i + 1); // row i sees positions up to its own
                    int state = i * c.headCount() + h;
                    float m = max[state], z = sum[state];
                    for (int t = first; t < stop; t++) {
                        float s = HalfDot.dot(qh, qOffset, key, (t - first) * hs, hs) * attentionScale;
                        float ms = 1f, vs = 1f;
                        if (s > m) {
                            ms = (float) Math.exp(m - s);
                            m = s;
                            VectorOps.halfScale(acc, qOffset, hs, ms);
                        } else {
                            vs = (float) Math.exp(s - m);
                        }
                        VectorOps.halfFma(value, (t - first) * hs, vs, acc, qOffset, hs);
                        z = z * ms + vs;
                    }
                    max[state] = m;
                    sum[state] = z;
                }
            }
        }
        for (int h = from; h < to; h++) {
            for (int i = 0; i < attnCount; i++) {
                int qOffset = i * qLen + h * hs;
                float z = sum[i * c.headCount() + h];
                float inv = z == 0f ? 0f : 1f / z;
                for (int e = 0; e < hs; e++) acc[qOffset + e] *= inv;
            }
        }
    }

    @Override
    public void close() {
        if (ownsWeights) weights.close();
    }
}
