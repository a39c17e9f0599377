package dev.specula.model;

import dev.specula.gguf.GgufFile;
import dev.specula.gguf.TensorInfo;
import dev.specula.tensor.Matrix;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.TensorFormat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.function.DoubleConsumer;

/**
 * The immutable half of a Llama model: the mapped tensors of a GGUF file and the repacked copies the
 * kernels read, built once. Any number of {@link LlamaModel} sessions read them at the same time; each
 * session brings its own KV cache and work buffers, so N sessions cost N caches, not N models.
 */
public final class LlamaWeights implements AutoCloseable {

    record Layer(float[] attnNorm, Matrix wq, Matrix wk, Matrix wv, Matrix wo,
                 float[] ffnNorm, Matrix gate, Matrix up, Matrix down) {}

    private static final int PAGE = 4096;

    private final LlamaConfig config;
    private final GgufFile ownedFile;
    private final Matrix tokenEmbedding;
    private final Layer[] layers;
    private final float[] outputNorm;
    private final Matrix output;
    private final float[] ropeFactors;
    private final long parameterCount;

    private LlamaWeights(GgufFile file, Parallel pool, DoubleConsumer progress, boolean ownsFile) {
        this.config = LlamaConfig.from(file);
        this.ownedFile = ownsFile ? file : null;
        LlamaConfig c = config;
        int dim = c.embeddingLength();
        tokenEmbedding = matrix(file, "token_embd.weight", c.vocabSize(), dim);
        layers = new Layer[c.blockCount()];
        for (int l = 0; l < layers.length; l++) {
            String b = "blk." + l + ".";
            layers[l] = new Layer(vector(file, b + "attn_norm.weight", dim),
                    matrix(file, b + "attn_q.weight", c.queryLength(), dim),
                    matrix(file, b + "attn_k.weight", c.kvLength(), dim),
                    matrix(file, b + "attn_v.weight", c.kvLength(), dim),
                    matrix(file, b + "attn_output.weight", dim, c.queryLength()),
                    vector(file, b + "ffn_norm.weight", dim),
                    matrix(file, b + "ffn_gate.weight", c.feedForwardLength(), dim),
                    matrix(file, b + "ffn_up.weight", c.feedForwardLength(), dim),
                    matrix(file, b + "ffn_down.weight", dim, c.feedForwardLength()));
        }
        outputNorm = vector(file, "output_norm.weight", dim);
        // Tied embeddings: models without an output matrix reuse the token embedding.
        output = file.hasTensor("output.weight") ? matrix(file, "output.weight", c.vocabSize(), dim) : tokenEmbedding;
        // Llama 3.1-style per-frequency divisors of the rotation angle.
        ropeFactors = file.hasTensor("rope_freqs.weight") ? vector(file, "rope_freqs.weight", c.ropeDimensionCount() / 2) : null;
        parameterCount = file.tensors().values().stream().mapToLong(TensorInfo::elementCount).sum();
        if (progress != null) pageIn(file, progress);
        output.prepare(pool);
        for (Layer l : layers) {
            for (Matrix m : new Matrix[] {l.wq, l.wk, l.wv, l.wo, l.gate, l.up, l.down}) m.prepare(pool);
        }
    }

    /**
     * Reads the weights of {@code file} and repacks them on {@code pool}.
     *
     * @param progress told the fraction of the weights paged in (0 to 1); may be null, and then pages load lazily
     * @param ownsFile whether {@link #close()} closes the file
     */
    public static LlamaWeights load(GgufFile file, Parallel pool, DoubleConsumer progress, boolean ownsFile) {
        return new LlamaWeights(file, pool, progress, ownsFile);
    }

    public LlamaConfig config() {
        return config;
    }

    /** Number of weight parameters, counted from the file. */
    public long parameterCount() {
        return parameterCount;
    }

    Matrix tokenEmbedding() {
        return tokenEmbedding;
    }

    Layer[] layers() {
        return layers;
    }

    float[] outputNorm() {
        return outputNorm;
    }

    Matrix output() {
        return output;
    }

    float[] ropeFactors() {
        return ropeFactors;
    }

    private static Matrix matrix(GgufFile file, String name, int rows, int cols) {
        TensorInfo t = file.tensor(name);
        if (t.shape().length != 2 || t.cols() != cols || t.rows() != rows) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected [" + cols + ", " + rows + "]");
        }
        return new Matrix(name, format(t), file.tensorData(t), rows, cols);
    }

    private static float[] vector(GgufFile file, String name, int n) {
        TensorInfo t = file.tensor(name);
        if (t.elementCount() != n) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + t.elementCount() + " elements, expected " + n);
        }
        float[] out = new float[n];
        format(t).dequantize(file.tensorData(t), 0, out, 0, n);
        return out;
    }

    private static TensorFormat format(TensorInfo t) {
        try {
            return TensorFormat.of(t.type());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tensor '" + t.name() + "': " + e.getMessage(), e);
        }
    }

    /** Reads one byte of every page, tensor by tensor, so that a large file is resident before the first token. */
    private static void pageIn(GgufFile file, DoubleConsumer progress) {
        long total = 0;
        for (TensorInfo t : file.tensors().values()) total += t.byteSize();
        long done = 0;
        int sink = 0;
        progress.accept(0.0);
        for (TensorInfo t : file.tensors().values()) {
            MemorySegment data = file.tensorData(t);
            for (long at = 0; at < data.byteSize(); at += PAGE) sink += data.get(ValueLayout.JAVA_BYTE, at);
            done += t.byteSize();
            progress.accept(total == 0 ? 1.0 : (double) done / total);
        }
        if (sink == 42) Thread.onSpinWait(); // keeps the reads from being optimised away
    }

    @Override
    public void close() {
        if (ownedFile != null) ownedFile.close();
    }
}
