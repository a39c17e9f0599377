package dev.specula.tensor;

import dev.specula.tensor.format.InputRounding;
import dev.specula.tensor.format.PreparedInputs;
import dev.specula.tensor.format.TensorFormats;
import dev.specula.tensor.kernel.MatMul;
import dev.specula.tensor.kernel.Product;

import java.lang.foreign.MemorySegment;

/**
 * One stored tensor format: how to read, dot and write its blocks. One stateless implementation per
 * {@link GgmlType}, with its Vector API kernel beside a plain scalar reference that tests compare against.
 *
 * <p>Element offsets address the tensor as a flat array of values; for the block formats they are
 * multiples of the block size, and so is every length.
 */
public interface TensorFormat {

    GgmlType type();

    /** Writes {@code n} values starting at element {@code index} into {@code out[outOffset..]}. */
    void dequantize(MemorySegment data, long index, float[] out, int outOffset, int n);

    /** Sum of {@code n} values starting at element {@code index} times {@code x[xOffset..]}: the fast kernel. */
    float dot(MemorySegment data, long index, float[] x, int xOffset, int n);

    /** The plain scalar reference for {@link #dot}: dequantize, then multiply in order. */
    default float dotScalar(MemorySegment data, long index, float[] x, int xOffset, int n) {
        float[] w = new float[n];
        dequantize(data, index, w, 0, n);
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += w[i] * x[xOffset + i];
        }
        return sum;
    }

    /**
     * Encodes {@code n} values of {@code src} (a multiple of the block size) into {@code dst} at byte
     * offset {@code dstOffset}, the way ggml's reference quantizer does.
     */
    void quantize(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset);

    /**
     * The batched product for rows {@code [rowStart, rowEnd)} of a {@code cols}-wide matrix:
     * {@code out[b * outStride + r] = dot(row r, input b)} for each of the {@code in.batch()} inputs of {@code in},
     * prepared once per product for this format ({@link PreparedInputs#prepare}, as {@link Product} does) and only
     * read here, since the pool runs this once per row range. Formats whose product adds in llama.cpp's order
     * ({@code format.Q8Dot}) take the inputs as llama.cpp quantizes them and may differ from {@link #dot} in the
     * last bits.
     *
     * <p>Each value must not depend on the batch or on the other inputs, bit for bit: speculative
     * verification runs γ+1 inputs where one-token decoding runs one, and greedy output stays the target's
     * own only if their logits are equal. So every input goes through the same {@link #dot}, row by row
     * (the row stays in L1 across inputs); a format's faster kernels must keep that per-input order.
     * Batches of {@link #SHARED_TILE_BATCH} or more (prefill chunks, the vision tower) are never compared
     * with one-token decoding, so they share dequantized tiles instead ({@link MatMul#tiled}).
     */
    default void matmulRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                            PreparedInputs in, float[] out, int outStride) {
        float[] x = in.x();
        int batch = in.batch();
        if (sharesTiles(batch, cols)) {
            MatMul.tiled(this, data, cols, rowStart, rowEnd, x, batch, out, outStride);
            return;
        }
        for (int r = rowStart; r < rowEnd; r++) {
            long index = (long) r * cols;
            for (int b = 0; b < batch; b++) {
                out[b * outStride + r] = dot(data, index, x, b * cols, cols);
            }
        }
    }

    /**
     * {@link #matmulRows} for a batch of more than one input that need not equal one-input products (a prompt,
     * the vision tower): where llama.cpp's batched kernels add in another order than its one-input ones (F16 and
     * F32 weights: llamafile's GEMM), this adds in theirs, so that prompt evaluation gives llama.cpp's values too.
     */
    default void batchedRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                             PreparedInputs in, float[] out, int outStride) {
        matmulRows(data, cols, rowStart, rowEnd, in, out, outStride);
    }

    /**
     * Derives from {@code in}'s rounded inputs what this format's range kernels read besides them (the inputs as
     * integers, their block sums), once per product; {@link PreparedInputs} calls it. Most formats read the floats.
     */
    default void prepareInputs(PreparedInputs in) {}

    /**
     * {@link #matmulRows(MemorySegment, int, int, int, PreparedInputs, float[], int)} of {@code batch} inputs
     * {@code x} rounded by {@link #inputRounding()}, prepared on the spot: for a range run alone (tests, one-off
     * callers); products prepare theirs once for all their ranges.
     */
    default void matmulRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                            float[] x, int batch, float[] out, int outStride) {
        matmulRows(data, cols, rowStart, rowEnd, PreparedInputs.local().prepareRounded(this, x, batch, cols), out, outStride);
    }

    /** {@link #batchedRows(MemorySegment, int, int, int, PreparedInputs, float[], int)} on the spot, as the float {@link #matmulRows}. */
    default void batchedRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                             float[] x, int batch, float[] out, int outStride) {
        batchedRows(data, cols, rowStart, rowEnd, PreparedInputs.local().prepareRounded(this, x, batch, cols), out, outStride);
    }

    /** How a product rounds its inputs for these weights, as llama.cpp does (its {@code vec_dot_type}). */
    default InputRounding inputRounding() {
        return InputRounding.of(type());
    }

    /**
     * The smallest batch that may round differently from one-token decoding: above every speculative
     * verification (at most 33 tokens) and up to the model's prefill chunk (128), so that long prompts,
     * image embeddings of large towers and the vision tower itself keep the speed of shared tiles.
     */
    int SHARED_TILE_BATCH = 128;

    /** Whether a product of this batch and row length runs on shared dequantized tiles. */
    static boolean sharesTiles(int batch, int cols) {
        return batch >= SHARED_TILE_BATCH && cols % 32 == 0;
    }

    /** The format for a type, or an error naming the type when Specula cannot compute with it. */
    static TensorFormat of(GgmlType type) {
        return TensorFormats.of(type);
    }
}
