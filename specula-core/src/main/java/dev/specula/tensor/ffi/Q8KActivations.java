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
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The input of a native product with K-quant weights, rounded to Q8_K super-blocks once per product
 * exactly as {@link InputRounding#Q8_K} rounds it (llama.cpp's {@code quantize_row_q8_K}): per 256 values
 * iscale = -127 / max (the signed value of largest magnitude, the first if several), q = min(127,
 * round-half-even(iscale * x)), d = 1 / iscale. The Java kernels take the values {@code q * d}; the native
 * ones take the bytes q and the float d, in the layout specified in {@code specula_kquants.c}: per pair of
 * super-blocks 640 bytes, one sub-block per int32 lane, beside each lane its d and d times the sum of its
 * 32 bytes. A buffer is reused from product to product and grows only when a product needs more room.
 */
public final class Q8KActivations {
    static final int QK = 256;
    static final int PAIR = 640;
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final int L = S.length();
    private static final VectorSpecies<Byte> B = Lanes.B;
    /** Adding then subtracting 1.5 * 2^23 rounds a float below 2^22 to the nearest integer, ties to even. */
    private static final float ROUND = 12582912f;
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** {@code LANE[8 s + j]}: the int32 lane of sub-block j of the pair's super-block s. */
    private static final int[] LANE = new int[16];

    static {
        for (int i = 0; i < 16; i++) {
            int l = i / 4, a = i % 4;
            LANE[8 * (a / 2) + 4 * (a % 2) + 2 * (l % 2) + l / 2] = i;
        }
    }

    private final Segments.Growable buffer = new Segments.Growable();
    private long stride;
    private final byte[] q = new byte[QK];
    private final int[] sums = new int[8];

    /** Rounds and lays out {@code batch} inputs of {@code cols} values (a multiple of 256) each. */
    public void quantize(float[] x, int batch, int cols) {
        int superBlocks = cols / QK;
        int pairs = (superBlocks + 1) / 2;
        // the extra 64 bytes keep the inputs' streams off a single L1 set when cols is a power of two
        stride = (long) pairs * PAIR + 64;
        MemorySegment seg = buffer.reserve(stride * batch);
        for (int t = 0; t < batch; t++) {
            long base = t * stride;
            if (superBlocks % 2 != 0) {
                // the missing second super-block of the last pair reads as zeros (no slice: nothing allocated)
                long last = base + (long) (pairs - 1) * PAIR;
                for (int o = 0; o < PAIR; o += 8) seg.set(ValueLayout.JAVA_LONG_UNALIGNED, last + o, 0L);
            }
            for (int s = 0; s < superBlocks; s++) {
                float d = round(x, t * cols + s * QK);
                long pair = base + (long) (s / 2) * PAIR;
                int half = 8 * (s % 2);
                for (int j = 0; j < 8; j++) {
                    long at = pair + 4L * LANE[half + j];
                    for (int k = 0; k < 8; k++) seg.set(Layouts.INT, at + 64L * k, (int) WORDS.get(q, 32 * j + 4 * k));
                    seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 512, d);
                    seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 576, d * sums[j]);
                }
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
