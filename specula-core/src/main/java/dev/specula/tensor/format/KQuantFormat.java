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

    @Override
    public final float dot(MemorySegment data, long index, float[] x, int xOffset, int n) {
        KScratch scratch = KScratch.get();
        float[] sums = sumsPer16() ? scratch.sums16(x, xOffset, n, 1) : scratch.sums(x, xOffset, n, 1);
        return dot(data, index, x, xOffset, n, sums, 0, scratch.scales);
    }

    @Override
    public final void matmulRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                                 float[] x, int batch, float[] out, int outStride) {
        if (TensorFormat.sharesTiles(batch, cols)) {
            MatMul.tiled(this, data, cols, rowStart, rowEnd, x, batch, out, outStride);
            return;
        }
        KScratch scratch = KScratch.get();
        float[] sums = sumsPer16() ? scratch.sums16(x, 0, cols, batch) : scratch.sums(x, 0, cols, batch);
        for (int r = rowStart; r < rowEnd; r++) {
            long index = (long) r * cols;
            for (int b = 0; b < batch; b++) {
                out[b * outStride + r] = dot(data, index, x, b * cols, cols, sums, b * cols / 16, scratch.scales);
            }
        }
    }
}
