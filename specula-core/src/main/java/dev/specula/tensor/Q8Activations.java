package dev.specula.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The input of a product with Q4_0 or Q8_0 weights, rounded to Q8_0 blocks once per product the way
 * llama.cpp's {@code quantize_row_q8_0} does for those weights' {@code vec_dot_type}: per 32 values,
 * d = max|x| / 127 stored as a half, q = round-half-even(x * 127 / max|x|).
 *
 * <p>Both backends compute with these blocks, so they agree up to the order of float additions: the
 * Java kernels take the rounded values {@code q * d} as floats (exact: 8 bits times a half), the native
 * ones take the bytes. A buffer is reused from product to product and grows only when a product needs
 * more room.
 */
final class Q8Activations {
    static final int BLOCK = 32;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorSpecies<Byte> B = L == 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;
    /** Adding then subtracting 1.5 * 2^23 rounds a float below 2^22 to the nearest integer, ties to even. */
    private static final float ROUND = 12582912f;

    private float[] values = new float[0];
    private MemorySegment quants = MemorySegment.NULL;
    private MemorySegment scales = MemorySegment.NULL;
    private MemorySegment biases = MemorySegment.NULL;

    /** {@code x} rounded through Q8_0, as floats; the array is reused by the next call. */
    float[] rounded(float[] x, int batch, int cols) {
        int n = batch * cols;
        if (values.length < n) values = new float[n];
        float[] v = values;
        for (int i = 0; i < n; i += BLOCK) {
            float amax = amax(x, i);
            float d = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
            float id = amax != 0f ? 127f / amax : 0f;
            for (int h = 0; h < BLOCK; h += L) {
                round(x, i + h, id).mul(d).intoArray(v, i + h);
            }
        }
        return v;
    }

    /**
     * Fills the native layout: {@link #quants()} the bytes, block after block, input after input;
     * {@link #scales()} each block's d as 8 equal floats; {@link #biases()} each block's
     * {@code -biasPerLane * sum(q)} as 8 equal ints, the correction that the native kernels add to their
     * per-lane integer sums when they shift the weights into unsigned bytes.
     */
    void quantize(float[] x, int batch, int cols, int biasPerLane) {
        int n = batch * cols;
        int blocks = n / BLOCK;
        reserve(n, blocks);
        MemorySegment q = quants, sc = scales, bi = biases;
        for (int b = 0, i = 0; b < blocks; b++, i += BLOCK) {
            float amax = amax(x, i);
            float d = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
            float id = amax != 0f ? 127f / amax : 0f;
            float sum = 0f;
            for (int h = 0; h < BLOCK; h += L) {
                FloatVector r = round(x, i + h, id);
                sum += r.reduceLanes(VectorOperators.ADD);
                r.convertShape(VectorOperators.F2B, B, 0)
                        .intoMemorySegment(q, i + h, ByteOrder.nativeOrder());
            }
            long at = (long) b * 32;
            for (int k = 0; k < 8; k++) {
                sc.set(ValueLayout.JAVA_FLOAT, at + 4 * k, d);
                bi.set(ValueLayout.JAVA_INT, at + 4 * k, -biasPerLane * (int) sum);
            }
        }
    }

    private static float amax(float[] x, int i) {
        FloatVector m = FloatVector.fromArray(S, x, i).abs();
        for (int h = L; h < BLOCK; h += L) m = m.max(FloatVector.fromArray(S, x, i + h).abs());
        return m.reduceLanes(VectorOperators.MAX);
    }

    private static FloatVector round(float[] x, int i, float id) {
        return FloatVector.fromArray(S, x, i).mul(id).add(ROUND).sub(ROUND);
    }

    private void reserve(int n, int blocks) {
        if (quants.byteSize() < n) {
            Arena arena = Arena.ofAuto();
            long cap = Math.max(n, 2 * quants.byteSize());
            quants = arena.allocate(cap, 64);
            scales = arena.allocate(cap, 64);   // 32 bytes per 32 values
            biases = arena.allocate(cap, 64);
        }
    }

    MemorySegment quants() {
        return quants;
    }

    MemorySegment scales() {
        return scales;
    }

    MemorySegment biases() {
        return biases;
    }
}
