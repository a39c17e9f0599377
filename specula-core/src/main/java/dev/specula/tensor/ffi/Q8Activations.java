package dev.specula.tensor.ffi;

import dev.specula.tensor.format.InputRounding;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;
import dev.specula.tensor.infra.Segments;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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
public final class Q8Activations {
    static final int BLOCK = 32;
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final int L = S.length();
    private static final VectorSpecies<Byte> B = Lanes.B;
    /** Adding then subtracting 1.5 * 2^23 rounds a float below 2^22 to the nearest integer, ties to even. */
    private static final float ROUND = 12582912f;
    private static final int PAIR = 192;
    private static final int GROUP = 640;
    private static final java.lang.invoke.VarHandle BYTES =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private float[] values = new float[0];
    private final Segments.Growable buffer = new Segments.Growable();
    private long stride;
    private int groups;
    private final byte[] block = new byte[BLOCK];

    /** {@code x} rounded through Q8_0, as floats; the array is reused by the next call. */
    public float[] rounded(float[] x, int batch, int cols) {
        int n = batch * cols;
        if (values.length < n) values = new float[n];
        return InputRounding.Q8_0.round(x, n, values);
    }

    /**
     * Fills the native layout (specified in {@code specula_kernels.c}): input t at {@code t * stride()}; with
     * {@code grouped}, its first {@link #groups()} x 16 blocks in groups of 640 bytes, one block per int32
     * lane, for the AVX-512 kernel; the rest in pairs of 192 bytes. Beside each block's bytes go its scale
     * d and the correction {@code -biasPerLane * sum(q)} per lane of the block (8 lanes in a pair, 1 in a
     * group, hence x8 there) that the kernels add after shifting the weights into unsigned bytes.
     */
    void quantize(float[] x, int batch, int cols, int biasPerLane, boolean grouped) {
        int blocks = cols / BLOCK;
        groups = grouped ? blocks / 16 : 0;
        stride = (long) groups * GROUP + (long) (blocks - 16 * groups + 1) / 2 * PAIR + 64;
        MemorySegment seg = buffer.reserve(stride * batch);
        byte[] q = block;
        for (int t = 0; t < batch; t++) {
            for (int j = 0; j < blocks; j++) {
                int i = t * cols + j * BLOCK;
                float amax = amax(x, i);
                float d = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
                float id = amax != 0f ? 127f / amax : 0f;
                float sum = 0f;
                for (int h = 0; h < BLOCK; h += L) {
                    FloatVector r = FloatVector.fromArray(S, x, i + h).mul(id).add(ROUND).sub(ROUND);
                    sum += r.reduceLanes(VectorOperators.ADD);
                    ((ByteVector) r.convertShape(VectorOperators.F2B, B, 0)).intoArray(q, h, Lanes.FIRST); // N bytes
                }
                int bias = -biasPerLane * (int) sum;
                long base = t * stride;
                if (j < 16 * groups) {
                    // lane l holds block P(l) = 4 (l % 4) + l / 4 of the group; P is its own inverse
                    int k = j % 16;
                    int lane = 4 * (k % 4) + k / 4;
                    long at = base + (long) (j / 16) * GROUP + 4L * lane;
                    for (int w = 0; w < 8; w++) {
                        seg.set(Layouts.INT, at + 64L * w, (int) BYTES.get(q, 4 * w));
                    }
                    seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 512, d);
                    seg.set(ValueLayout.JAVA_INT_UNALIGNED, at + 576, 8 * bias);
                } else {
                    int p = j - 16 * groups;
                    long at = base + (long) groups * GROUP + (long) (p >> 1) * PAIR + (p & 1) * 32;
                    MemorySegment.copy(q, 0, seg, ValueLayout.JAVA_BYTE, at, BLOCK);
                    for (int k = 0; k < 8; k++) {
                        seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 64 + 4 * k, d);
                        seg.set(ValueLayout.JAVA_INT_UNALIGNED, at + 128 + 4 * k, bias);
                    }
                }
            }
        }
    }

    /** Returns a float, not a vector: a vector returned from a call that C2 does not inline is boxed. */
    private static float amax(float[] x, int i) {
        FloatVector m = FloatVector.fromArray(S, x, i).abs();
        for (int h = L; h < BLOCK; h += L) m = m.max(FloatVector.fromArray(S, x, i + h).abs());
        return m.reduceLanes(VectorOperators.MAX);
    }

    /** The native layout, valid after {@link #quantize}. */
    MemorySegment packed() {
        return buffer.view();
    }

    /** Groups of 16 blocks at the start of each input in {@link #packed()}. */
    int groups() {
        return groups;
    }

    /** Bytes from one input to the next in {@link #packed()}. */
    long stride() {
        return stride;
    }
}
