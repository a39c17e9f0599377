package dev.specula.tensor.ffi;

import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Segments;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The inputs of a native Q4_0 product ({@link NativeQ4_0}), rounded to Q8_0 blocks as {@code InputRounding.Q8_0}
 * and {@code Q4_0Lanes.Inputs} round them (llama.cpp's {@code quantize_row_q8_0}): per 32 values d = half(max|x| /
 * 127), q = round-half-even(x * (127 / max|x|)). Laid out as {@code specula_q4_0.c} specifies: per block 40 bytes,
 * its 32 bytes q, d as a float and -8 sum(q) as an int. A buffer is reused from product to product and grows only
 * when a product needs more room.
 */
public final class Q4_0Inputs {
    static final int BLOCK = 32;
    /** Bytes per block in the layout. */
    static final int BYTES = 40;
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final int L = S.length();
    private static final VectorSpecies<Byte> B = Lanes.B;
    /** Adding then subtracting 1.5 * 2^23 rounds a float below 2^22 to the nearest integer, ties to even. */
    private static final float ROUND = 12582912f;

    private final Segments.Growable buffer = new Segments.Growable();
    private long stride;
    private final byte[] q = new byte[BLOCK];

    /** Rounds and lays out {@code batch} inputs of {@code cols} values (a multiple of 32) each. */
    public void build(float[] x, int batch, int cols) {
        int blocks = cols / BLOCK;
        // the extra 64 bytes keep the inputs' streams off a single L1 set when a row's bytes are a multiple of 4 KiB
        stride = (long) blocks * BYTES + 64;
        MemorySegment seg = buffer.reserve(stride * batch);
        for (int t = 0; t < batch; t++) {
            for (int j = 0; j < blocks; j++) {
                int i = t * cols + j * BLOCK;
                // each vector reduced at once: one carried from iteration to iteration was boxed (seen after other
                // products had run first)
                float amax = 0f;
                for (int h = 0; h < BLOCK; h += L) {
                    amax = Math.max(amax, FloatVector.fromArray(S, x, i + h).abs().reduceLanes(VectorOperators.MAX));
                }
                float id = amax != 0f ? 127f / amax : 0f;
                for (int h = 0; h < BLOCK; h += L) {
                    FloatVector r = FloatVector.fromArray(S, x, i + h).mul(id).add(ROUND).sub(ROUND);
                    ((ByteVector) r.convertShape(VectorOperators.F2B, B, 0)).intoArray(q, h, Lanes.FIRST); // L bytes
                }
                int sum = 0;
                for (byte v : q) sum += v;
                long at = t * stride + (long) j * BYTES;
                MemorySegment.copy(q, 0, seg, ValueLayout.JAVA_BYTE, at, BLOCK);
                seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 32, Float.float16ToFloat(Float.floatToFloat16(amax / 127f)));
                seg.set(ValueLayout.JAVA_INT_UNALIGNED, at + 36, -8 * sum);
            }
        }
    }

    /** The layout, valid after {@link #build}. */
    MemorySegment segment() {
        return buffer.view();
    }

    /** Bytes from one input to the next in {@link #segment()}. */
    long stride() {
        return stride;
    }
}
