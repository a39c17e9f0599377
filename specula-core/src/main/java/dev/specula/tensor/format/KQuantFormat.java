package dev.specula.tensor.format;

import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.kernel.MatMul;

import java.lang.foreign.MemorySegment;

/**
 * What the K-quant formats (Q2_K to Q6_K) share: a fused dot that takes per-sub-block sums of the input
 * (computed once per product for all rows), and the batch-invariant product built on it.
 */
abstract sealed class KQuantFormat implements TensorFormat permits Q2_K, Q3_K, Q4_K, Q5_K, Q6_K {

    /** Whether {@link #dot(MemorySegment, long, float[], int, int, float[], int, float[])} wants sums per 16 values (else per 32). */
    abstract boolean sumsPer16();

    /** The fused dot over {@code n} values, with the input's sub-block sums starting at {@code sums[sums0]}. */
    abstract float dot(MemorySegment data, long index, float[] x, int xOffset, int n, float[] sums, int sums0, float[] scales);

    /** Whether products go through {@link #llamaDot} on inputs they quantize themselves (Q4_K, Q5_K, Q6_K). */
    boolean addsInLlamaOrder() {
        return false;
    }

    /**
     * One row's product with one input in llama.cpp's order: {@code blocks} super-blocks from byte {@code block}
     * with input super-blocks {@code first..} of {@code in}. {@code gemm}: llama.cpp would run this input through
     * its batched kernel (only Q4_K's adds in another order there).
     */
    float llamaDot(MemorySegment data, long block, Q8KInputs in, int first, int blocks, boolean gemm, KScratch scratch) {
        throw new UnsupportedOperationException();
    }

    @Override
    public InputRounding inputRounding() {
        return addsInLlamaOrder() ? InputRounding.NONE : InputRounding.Q8_K;
    }

    @Override
    public final float dot(MemorySegment data, long index, float[] x, int xOffset, int n) {
        KScratch scratch = KScratch.get();
        float[] sums = sumsPer16() ? scratch.sums16(x, xOffset, n, 1) : scratch.sums(x, xOffset, n, 1);
        return dot(data, index, x, xOffset, n, sums, 0, scratch.scales);
    }

    /**
     * Once per product: the raw inputs quantized as Q8_K ({@link Q8KInputs}) for {@link #llamaDot}, or rounded through
     * {@link InputRounding#Q8_K} for the shared tiles; for the float kernel, the rounded inputs' sub-block sums.
     */
    @Override
    public final void prepareInputs(PreparedInputs in) {
        int n = in.batch * in.cols;
        if (addsInLlamaOrder()) {
            if (TensorFormat.sharesTiles(in.batch, in.cols)) in.round(InputRounding.Q8_K);
            else in.q8K.quantize(in.x, n);
        } else if (!TensorFormat.sharesTiles(in.batch, in.cols)) {
            float[] sums = in.sums(n / 16);
            if (sumsPer16()) KScratch.sums16(in.x, 0, in.cols, in.batch, sums);
            else KScratch.get().sums(in.x, 0, in.cols, in.batch, sums);
        }
    }

    @Override
    public final void matmulRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                                 PreparedInputs in, float[] out, int outStride) {
        if (addsInLlamaOrder()) llamaRows(data, cols, rowStart, rowEnd, in, out, outStride, false);
        else floatRows(data, cols, rowStart, rowEnd, in, out, outStride);
    }

    @Override
    public final void batchedRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                                  PreparedInputs in, float[] out, int outStride) {
        if (addsInLlamaOrder()) llamaRows(data, cols, rowStart, rowEnd, in, out, outStride, true);
        else floatRows(data, cols, rowStart, rowEnd, in, out, outStride);
    }

    /**
     * Each input through {@link #llamaDot}, row by row (the row stays in L1 across inputs). {@code batched}: a
     * prompt's product, where llama.cpp sends the first 4·⌊batch/4⌋ inputs of a batch of 4 or more through its
     * batched kernel (ggml's {@code forward_mul_mat} on repacked weights) and the rest, like every input of a pass
     * that must equal one-token decoding, through the one-input kernel. Batches of
     * {@link TensorFormat#SHARED_TILE_BATCH} and more keep the shared float tiles for speed (the fixtures' prompts
     * are shorter; a long prompt's values then differ from llama.cpp's in the last bits).
     */
    private void llamaRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                           PreparedInputs prepared, float[] out, int outStride, boolean batched) {
        int batch = prepared.batch;
        if (TensorFormat.sharesTiles(batch, cols)) {
            MatMul.tiled(this, data, cols, rowStart, rowEnd, prepared.x, batch, out, outStride);
            return;
        }
        KScratch scratch = KScratch.get();
        Q8KInputs in = prepared.q8K;
        int blocks = cols / Q8KInputs.QK;
        int gemmInputs = Q4_K.gemmInputs(batch, batched);
        for (int r = rowStart; r < rowEnd; r++) {
            long block = (long) r * blocks * type().typeSize();
            for (int b = 0; b < batch; b++) {
                out[b * outStride + r] = llamaDot(data, block, in, b * blocks, blocks, b < gemmInputs, scratch);
            }
        }
    }

    /** The float kernel over inputs rounded by {@link InputRounding#Q8_K} (Q2_K, Q3_K). */
    private void floatRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                           PreparedInputs in, float[] out, int outStride) {
        float[] x = in.x;
        int batch = in.batch;
        if (TensorFormat.sharesTiles(batch, cols)) {
            MatMul.tiled(this, data, cols, rowStart, rowEnd, x, batch, out, outStride);
            return;
        }
        KScratch scratch = KScratch.get();
        float[] sums = in.sums;
        for (int r = rowStart; r < rowEnd; r++) {
            long index = (long) r * cols;
            for (int b = 0; b < batch; b++) {
                out[b * outStride + r] = dot(data, index, x, b * cols, cols, sums, b * cols / 16, scratch.scales);
            }
        }
    }
}
