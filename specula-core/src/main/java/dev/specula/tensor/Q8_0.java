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

    // No helper methods that take or return vectors: C2 declines to inline a callee it has already compiled
    // into a medium-sized method, and a vector crossing a call that is not inlined is boxed (measured: 50 KB
    // per product). ProductTest checks that products allocate nothing.

    @Override
    public void dequantize(MemorySegment data, long index, float[] out, int outOffset, int n) {
        long off = index / BLOCK * BYTES;
        for (int o = outOffset, end = outOffset + n; o < end; o += BLOCK, off += BYTES) {
            float d = Float.float16ToFloat(data.get(Layouts.SHORT, off));
            for (int h = 0; h < BLOCK; h += L) {
                ByteVector q = ByteVector.fromMemorySegment(B, data, off + 2 + h, ByteOrder.LITTLE_ENDIAN);
                ((FloatVector) q.convertShape(VectorOperators.B2F, S, 0)).mul(d).intoArray(out, o + h);
            }
        }
    }

    /**
     * On 512-bit vectors every batch reads the blocks directly ({@link Q8_0Rows}), in groups of up to
     * {@value Q8_0Rows#MAX_BATCH} inputs with one per-input order; elsewhere as the interface does. Either way a
     * value does not depend on the batch size.
     */
    @Override
    public void matmulRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                           float[] x, int batch, float[] out, int outStride) {
        if (Q8_0Rows.SUPPORTED) {
            Q8_0Rows.multiply(data, cols, rowStart, rowEnd, x, batch, out, outStride);
        } else {
            TensorFormat.super.matmulRows(data, cols, rowStart, rowEnd, x, batch, out, outStride);
        }
    }

    /** Two accumulators over alternating blocks, so that consecutive fused multiply-adds do not wait on each other. */
    @Override
    public float dot(MemorySegment data, long index, float[] x, int xOffset, int n) {
        long off = index / BLOCK * BYTES;
        int blocks = n / BLOCK;
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        for (int i = 0; i < blocks; i++, off += BYTES) {
            FloatVector s = FloatVector.zero(S);
            for (int h = 0; h < BLOCK; h += L) {
                ByteVector q = ByteVector.fromMemorySegment(B, data, off + 2 + h, ByteOrder.LITTLE_ENDIAN);
                s = ((FloatVector) q.convertShape(VectorOperators.B2F, S, 0))
                        .fma(FloatVector.fromArray(S, x, xOffset + i * BLOCK + h), s);
            }
            float d = Float.float16ToFloat(data.get(Layouts.SHORT, off));
            if ((i & 1) == 0) acc0 = s.fma(FloatVector.broadcast(S, d), acc0);
            else acc1 = s.fma(FloatVector.broadcast(S, d), acc1);
        }
        return LaneSum.of(acc0.add(acc1));
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

}
