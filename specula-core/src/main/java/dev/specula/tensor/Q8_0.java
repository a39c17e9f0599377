package dev.specula.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * ggml's {@code block_q8_0}: 32 values as a half-precision scale {@code d} followed by 32 signed bytes,
 * value = q * d (34 bytes per block).
 */
public final class Q8_0 implements TensorFormat {
    public static final Q8_0 INSTANCE = new Q8_0();

    static final int BLOCK = 32;
    static final int BYTES = 34;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Bytes that widen to one float vector: 16 of them for AVX-512, 8 for AVX2. */
    private static final VectorSpecies<Byte> B = S.length() == 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;
    private static final int L = S.length();

    private Q8_0() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public void dequantize(MemorySegment data, long index, float[] out, int outOffset, int n) {
        long off = index / BLOCK * BYTES;
        for (int o = outOffset, end = outOffset + n; o < end; o += BLOCK, off += BYTES) {
            float d = Float.float16ToFloat(data.get(Layouts.SHORT, off));
            for (int h = 0; h < BLOCK; h += L) {
                weights(data, off + 2 + h).mul(d).intoArray(out, o + h);
            }
        }
    }

    private static FloatVector weights(MemorySegment data, long off) {
        ByteVector q = ByteVector.fromMemorySegment(B, data, off, ByteOrder.LITTLE_ENDIAN);
        return (FloatVector) q.convertShape(VectorOperators.B2F, S, 0);
    }

    /** Two accumulators over alternating blocks, so that consecutive fused multiply-adds do not wait on each other. */
    @Override
    public float dot(MemorySegment data, long index, float[] x, int xOffset, int n) {
        long off = index / BLOCK * BYTES;
        int blocks = n / BLOCK;
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 1 < blocks; i += 2, off += 2 * BYTES) {
            acc0 = blockDot(data, off, x, xOffset + i * BLOCK).fma(scale(data, off), acc0);
            acc1 = blockDot(data, off + BYTES, x, xOffset + (i + 1) * BLOCK).fma(scale(data, off + BYTES), acc1);
        }
        if (i < blocks) {
            acc0 = blockDot(data, off, x, xOffset + i * BLOCK).fma(scale(data, off), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector scale(MemorySegment data, long off) {
        return FloatVector.broadcast(S, Float.float16ToFloat(data.get(Layouts.SHORT, off)));
    }

    /** The unscaled products of one block, lane-wise. */
    private static FloatVector blockDot(MemorySegment data, long off, float[] x, int xo) {
        FloatVector s = weights(data, off + 2).mul(FloatVector.fromArray(S, x, xo));
        for (int h = L; h < BLOCK; h += L) {
            s = weights(data, off + 2 + h).fma(FloatVector.fromArray(S, x, xo + h), s);
        }
        return s;
    }

    /** llama.cpp's {@code quantize_row_q8_0_ref}: d = max|x| / 127, q = round half away from zero (x / d). */
    @Override
    public void quantize(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        for (int b = 0; b < n / BLOCK; b++) {
            int s = srcOffset + b * BLOCK;
            long o = dstOffset + (long) b * BYTES;
            float amax = 0f;
            for (int j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(src[s + j]));
            float d = amax / 127;
            float id = d != 0f ? 1.0f / d : 0f;
            dst.set(Layouts.SHORT, o, Float.floatToFloat16(d));
            for (int j = 0; j < BLOCK; j++) {
                dst.set(Layouts.BYTE, o + 2 + j, (byte) roundHalfAway(src[s + j] * id));
            }
        }
    }

    /** C's {@code roundf}; {@link Math#round} rounds negative halves up instead. */
    static int roundHalfAway(float v) {
        return (int) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }

    @Override
    public void matmulRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                           float[] x, int batch, float[] out, int outStride) {
        if (batch == 1) {
            for (int r = rowStart; r < rowEnd; r++) out[r] = dot(data, (long) r * cols, x, 0, cols);
        } else {
            MatMul.tiled(this, data, cols, rowStart, rowEnd, x, batch, out, outStride);
        }
    }
}
