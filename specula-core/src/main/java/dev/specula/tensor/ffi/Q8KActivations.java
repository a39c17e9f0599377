package dev.specula.tensor.ffi;

import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;
import dev.specula.tensor.infra.Segments;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The input of a native product with Q4_K weights, rounded to Q8_K super-blocks once per product exactly as
 * llama.cpp's {@code quantize_row_q8_K_ref} rounds it (and {@code Q8KInputs}, the Java kernels' twin): per 256
 * values iscale = -127 / max (the signed value of largest magnitude, the first if several), q = min(127,
 * round-half-even(iscale * x)), d = 1 / iscale. Laid out as {@code specula_kquants.c} specifies: per super-block
 * 288 bytes, the 256 bytes q, the sums of q over its sub-blocks of 32 as int16 pairs, then d. A buffer is reused
 * from product to product and grows only when a product needs more room.
 */
public final class Q8KActivations {
    static final int QK = 256;
    /** Bytes per super-block: q, the sums at {@link #SUMS}, d at {@link #SCALE}, zeros to a multiple of 32. */
    static final int BLOCK = 288;
    static final int SUMS = 256, SCALE = 272;
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final int L = S.length();
    private static final VectorSpecies<Byte> B = Lanes.B;
    /** Adding then subtracting 1.5 * 2^23 rounds a float below 2^22 to the nearest integer, ties to even. */
    private static final float ROUND = 12582912f;

    private final Segments.Growable buffer = new Segments.Growable();
    private long stride;
    private final byte[] q = new byte[QK];
    private final int[] sums = new int[8];

    /** Rounds and lays out {@code batch} inputs of {@code cols} values (a multiple of 256) each. */
    public void quantize(float[] x, int batch, int cols) {
        int superBlocks = cols / QK;
        // the extra 64 bytes keep the inputs' streams off a single L1 set when cols is a power of two
        stride = (long) superBlocks * BLOCK + 64;
        MemorySegment seg = buffer.reserve(stride * batch);
        for (int t = 0; t < batch; t++) {
            for (int s = 0; s < superBlocks; s++) {
                long at = t * stride + (long) s * BLOCK;
                float d = round(x, t * cols + s * QK);
                MemorySegment.copy(q, 0, seg, ValueLayout.JAVA_BYTE, at, QK);
                for (int p = 0; p < 4; p++) seg.set(Layouts.INT, at + SUMS + 4 * p, sums[2 * p] & 0xffff | sums[2 * p + 1] << 16);
                seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at + SCALE, d);
                for (long o = SCALE + 4; o < BLOCK; o += 4) seg.set(Layouts.INT, at + o, 0);
            }
        }
    }

    /**
     * Rounds {@code x[i..i+256)} into {@link #q}, the sums of its sub-blocks into {@link #sums}, and returns
     * the scale d; all zero for an all-zero block, as in llama.cpp.
     */
    private float round(float[] x, int i) {
        FloatVector m = FloatVector.fromArray(S, x, i).abs();
        for (int h = L; h < QK; h += L) m = m.max(FloatVector.fromArray(S, x, i + h).abs());
        float amax = m.reduceLanes(VectorOperators.MAX);
        if (!(amax > 0f)) {
            java.util.Arrays.fill(q, (byte) 0);
            java.util.Arrays.fill(sums, 0);
            return 0f;
        }
        float max = amax;
        for (int h = 0; h < QK; h += L) {
            // the first value of largest magnitude, sign included (the index found with a vector compare)
            int first = FloatVector.fromArray(S, x, i + h).abs().compare(VectorOperators.EQ, amax).firstTrue();
            if (first < L) {
                max = x[i + h + first];
                break;
            }
        }
        float iscale = -127f / max;
        for (int j = 0; j < 8; j++) {
            FloatVector sum = FloatVector.zero(S);
            for (int h = 32 * j; h < 32 * j + 32; h += L) {
                FloatVector r = FloatVector.fromArray(S, x, i + h).mul(iscale).add(ROUND).sub(ROUND)
                        .lanewise(VectorOperators.MIN, 127f);
                sum = sum.add(r);
                ((ByteVector) r.convertShape(VectorOperators.F2B, B, 0)).intoArray(q, h, Lanes.FIRST); // N bytes
            }
            sums[j] = (int) sum.reduceLanes(VectorOperators.ADD); // small integers: exact in any order
        }
        return 1f / iscale;
    }

    /** The native layout, valid after {@link #quantize}. */
    MemorySegment packed() {
        return buffer.view();
    }

    /** Bytes from one input to the next in {@link #packed()}. */
    long stride() {
        return stride;
    }
}
