package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/** IEEE half precision. */
public final class F16 implements TensorFormat {
    public static final F16 INSTANCE = new F16();
    private static final VectorSpecies<Integer> I = Lanes.I;

    private F16() {}

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public void dequantize(MemorySegment data, long index, float[] out, int outOffset, int n) {
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = Float.float16ToFloat(data.get(Layouts.SHORT, (index + i) * 2));
        }
    }

    /**
     * In llama.cpp's order ({@link HalfDot}): with inputs rounded to F16 every product is exact and the
     * order alone decides the sum, which the next F16 rounding then amplifies.
     */
    @Override
    public float dot(MemorySegment data, long index, float[] x, int xOffset, int n) {
        return HalfDot.dot(data, index * 2, x, xOffset, n);
    }

    /**
     * Each (row, input) dot as {@link #dot}, whatever the batch: a batched pass must give the logits that
     * one-at-a-time decoding gives, or speculative decoding stops being lossless.
     */
    @Override
    public void matmulRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                           PreparedInputs in, float[] out, int outStride) {
        rows(data, cols, rowStart, rowEnd, in.x, in.batch, out, outStride, false);
    }

    /** llama.cpp's batched F16 product (llamafile's GEMM) in its order: {@link HalfDot#product}. */
    @Override
    public void batchedRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                            PreparedInputs in, float[] out, int outStride) {
        rows(data, cols, rowStart, rowEnd, in.x, in.batch, out, outStride, true);
    }

    private static void rows(MemorySegment data, int cols, int rowStart, int rowEnd, float[] x, int batch,
                             float[] out, int outStride, boolean gemm) {
        for (int r = rowStart; r < rowEnd; r++) {
            float[] row = HalfDot.halves(data, (long) r * cols * 2, cols);
            for (int b = 0; b < batch; b++) {
                out[b * outStride + r] = gemm ? HalfDot.product(row, 0, x, b * cols, cols) : HalfDot.dot(row, 0, x, b * cols, cols);
            }
        }
    }

    /**
     * Half to float without a conversion instruction (the Vector API has none): shifting the magnitude
     * into float position and scaling by 2^112 is exact for normal and subnormal halves alike.
     */
    static FloatVector toFloat(ShortVector h) {
        IntVector bits = (IntVector) h.convertShape(VectorOperators.S2I, I, 0);
        IntVector magnitude = bits.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
        IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        FloatVector f = magnitude.reinterpretAsFloats().mul(0x1p112f);
        return f.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    @Override
    public void quantize(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        for (int i = 0; i < n; i++) {
            dst.set(Layouts.SHORT, dstOffset + 2L * i, Float.floatToFloat16(src[srcOffset + i]));
        }
    }
}
