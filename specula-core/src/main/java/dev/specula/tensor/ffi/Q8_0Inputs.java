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

/**
 * The inputs of a native Q8_0 product ({@link NativeQ8_0}), rounded to Q8_0 blocks as {@link InputRounding#Q8_0}
 * rounds them (d = half(max|x| / 127), q = round-half-even(x * 127 / max|x|)), in the layout that
 * {@code specula_q8_0.c} reads: per input, each block's 32 bytes q and beside them its 8 lane biases
 * {@code -128 * (q[4k] + .. + q[4k + 3])} (they take back the 128 that the repacked weights carry), then the
 * blocks' scales as floats. A buffer is reused from product to product and grows only when one needs more room.
 */
public final class Q8_0Inputs {
    private static final int BLOCK = 32;
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final int L = S.length();
    private static final VectorSpecies<Byte> B = Lanes.B;
    /** Adding then subtracting 1.5 * 2^23 rounds a float below 2^22 to the nearest integer, ties to even. */
    private static final float ROUND = 12582912f;

    private final Segments.Growable buffer = new Segments.Growable();
    private final byte[] q = new byte[BLOCK];
    private long stride;

    /** Lays out {@code batch} inputs of {@code cols} values (a multiple of 32). */
    public void quantize(float[] x, int batch, int cols) {
        int blocks = cols / BLOCK;
        long scales = 64L * blocks;
        // the extra 64 bytes keep the inputs' streams off the same L1 sets
        stride = scales + (4L * blocks + 63) / 64 * 64 + 64;
        MemorySegment seg = buffer.reserve(stride * batch);
        for (int t = 0; t < batch; t++) {
            long base = t * stride;
            for (int j = 0; j < blocks; j++) {
                int i = t * cols + j * BLOCK;
                float amax = amax(x, i);
                float id = amax != 0f ? 127f / amax : 0f;
                for (int h = 0; h < BLOCK; h += L) {
                    FloatVector r = FloatVector.fromArray(S, x, i + h).mul(id).add(ROUND).sub(ROUND);
                    ((ByteVector) r.convertShape(VectorOperators.F2B, B, 0)).intoArray(q, h, Lanes.FIRST); // L bytes
                }
                long at = base + 64L * j;
                MemorySegment.copy(q, 0, seg, ValueLayout.JAVA_BYTE, at, BLOCK);
                for (int k = 0; k < 8; k++) {
                    int sum = q[4 * k] + q[4 * k + 1] + q[4 * k + 2] + q[4 * k + 3];
                    seg.set(Layouts.INT, at + 32 + 4 * k, -128 * sum);
                }
                seg.set(Layouts.FLOAT, base + scales + 4L * j, Float.float16ToFloat(Float.floatToFloat16(amax / 127f)));
            }
        }
    }

    /** Returns a float, not a vector: a vector returned from a call that C2 does not inline is boxed. */
    private static float amax(float[] x, int i) {
        FloatVector m = FloatVector.fromArray(S, x, i).abs();
        for (int h = L; h < BLOCK; h += L) m = m.max(FloatVector.fromArray(S, x, i + h).abs());
        return m.reduceLanes(VectorOperators.MAX);
    }

    /** The layout, valid after {@link #quantize}. */
    MemorySegment packed() {
        return buffer.view();
    }

    /** Bytes from one input to the next in {@link #packed()}. */
    long stride() {
        return stride;
    }
}
