package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;
import dev.specula.tensor.kernel.MatMul;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/** 32-bit floats, as stored. */
public final class F32 implements TensorFormat {
    public static final F32 INSTANCE = new F32();
    private static final VectorSpecies<Float> S = Lanes.F;

    private F32() {}

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public void dequantize(MemorySegment data, long index, float[] out, int outOffset, int n) {
        MemorySegment.copy(data, Layouts.FLOAT, index * 4, out, outOffset, n);
    }

    /**
     * In the order of llama.cpp's one-input F32 product, {@code ggml_vec_dot_f32} on AVX-512 (what it runs to decode):
     * four 16-lane fma accumulators over steps of 64 values, added as (s0 + s2) + (s1 + s3) and summed as
     * {@code _mm512_reduce_add_ps} ({@link LaneSum}), then {@link #rest}.
     */
    @Override
    public float dot(MemorySegment data, long index, float[] x, int xOffset, int n) {
        long base = index * 4;
        int upper = n & -64;
        float[] lanes = LaneSum.lanes();
        for (int p = 0; p < Lanes.LOGICAL; p += Lanes.N) { // logical lane l of accumulator j takes values 64i + 16j + l
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int i = p; i < upper; i += 64) {
                s0 = FloatVector.fromMemorySegment(S, data, base + 4L * i, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(S, x, xOffset + i), s0);
                s1 = FloatVector.fromMemorySegment(S, data, base + 4L * (i + 16), ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(S, x, xOffset + i + 16), s1);
                s2 = FloatVector.fromMemorySegment(S, data, base + 4L * (i + 32), ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(S, x, xOffset + i + 32), s2);
                s3 = FloatVector.fromMemorySegment(S, data, base + 4L * (i + 48), ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(S, x, xOffset + i + 48), s3);
            }
            s0.add(s2).add(s1.add(s3)).intoArray(lanes, p);
        }
        return rest(LaneSum.of16(lanes, 0), data, index, upper, n, x, xOffset);
    }

    /**
     * The products past the last step of 64 added to {@code sum} as the shipped {@code ggml_vec_dot_f32} adds them (its
     * scalar loop as GCC vectorized it): whole sixteens and then one eight multiplied and added apart, in order; the
     * last few fused.
     */
    static float rest(float sum, MemorySegment data, long index, int from, int n, float[] x, int xOffset) {
        int i = from;
        int unfused = from + ((n - from) & -16);
        if (n - unfused >= 8) unfused += 8;
        for (; i < unfused; i++) sum += data.getAtIndex(Layouts.FLOAT, index + i) * x[xOffset + i];
        for (; i < n; i++) sum = Math.fma(data.getAtIndex(Layouts.FLOAT, index + i), x[xOffset + i], sum);
        return sum;
    }

    /**
     * In the order of llama.cpp's batched F32 product (llamafile's tinyBLAS, for rows a multiple of 16 long): one
     * 16-lane fma accumulator over steps of 16 values, summed as {@code _mm512_reduce_add_ps}.
     */
    static float gemmDot(MemorySegment data, long index, float[] x, int xOffset, int n) {
        long base = index * 4;
        float[] lanes = LaneSum.lanes();
        for (int p = 0; p < Lanes.LOGICAL; p += Lanes.N) {
            FloatVector acc = FloatVector.zero(S);
            for (int i = p; i < n; i += Lanes.LOGICAL) {
                acc = FloatVector.fromMemorySegment(S, data, base + 4L * i, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(S, x, xOffset + i), acc);
            }
            acc.intoArray(lanes, p);
        }
        return LaneSum.of16(lanes, 0);
    }

    /**
     * Each (row, input) with the bits of {@link #dot}, whatever the batch, but each weight read once for up to
     * {@value F32Rows#MAX_BATCH} inputs ({@link F32Rows}); batches that share tiles keep {@link MatMul#tiled}.
     */
    @Override
    public void matmulRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                           PreparedInputs in, float[] out, int outStride) {
        rows(data, cols, rowStart, rowEnd, in.x, in.batch, out, outStride, false);
    }

    /**
     * A prompt's product in the order of llama.cpp's batched one: tinyBLAS ({@link #gemmDot}) where it runs (rows a
     * multiple of 16 long, a matrix of a multiple of 4 rows: {@code outStride} is its row count), else as {@link #dot}.
     */
    @Override
    public void batchedRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                            PreparedInputs in, float[] out, int outStride) {
        rows(data, cols, rowStart, rowEnd, in.x, in.batch, out, outStride, cols % 16 == 0 && outStride % 4 == 0);
    }

    private void rows(MemorySegment data, int cols, int rowStart, int rowEnd, float[] x, int batch,
                      float[] out, int outStride, boolean gemm) {
        if (TensorFormat.sharesTiles(batch, cols)) {
            MatMul.tiled(this, data, cols, rowStart, rowEnd, x, batch, out, outStride);
        } else {
            F32Rows.multiply(data, cols, rowStart, rowEnd, x, batch, out, outStride, gemm);
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        MemorySegment.copy(src, srcOffset, dst, Layouts.FLOAT, dstOffset, n);
    }
}
