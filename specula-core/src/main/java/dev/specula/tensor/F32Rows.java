package dev.specula.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * F32 products of a few inputs that stream each weight once for all of them: two rows at a time, every loaded
 * weight vector feeding up to {@value #MAX_BATCH} inputs, each (row, input) in its own accumulator with exactly
 * the order of {@link F32#dot}. Kept apart from {@link F32} because the hand-unrolled kernels (one per group size:
 * C2 keeps vectors in registers only as locals, never in an array) would bury that small format class.
 */
final class F32Rows {
    private F32Rows() {}

    /** Inputs per kernel call: 2 rows x 8 inputs = 16 accumulators, beside 3 loaded vectors, in AVX-512's 32 registers. */
    static final int MAX_BATCH = 8;
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final int G = Lanes.LOGICAL;
    /** Per-thread room for one kernel call's accumulators: 2 rows x 8 inputs x 16 logical lanes. */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[2 * MAX_BATCH * G]);

    /**
     * {@code out[b * outStride + r] = row r · x[b * cols ..]} for rows {@code [rowStart, rowEnd)} and {@code b < batch},
     * each value the bits of {@link F32#dot} on that row and input, whatever the batch and the vector width.
     */
    static void multiply(MemorySegment data, int cols, int rowStart, int rowEnd, float[] x, int batch,
                         float[] out, int outStride) {
        float[] lanes = LANES.get();
        // Row r pairs with row r + half, not r + 1, as in Q8_0Rows: two weight streams far apart.
        int half = (rowEnd - rowStart) / 2;
        for (int r = rowStart; r < rowStart + half; r++) {
            inputs(data, r, r + half, cols, x, batch, out, outStride, lanes);
        }
        if (((rowEnd - rowStart) & 1) != 0) { // an odd last row pairs with itself
            inputs(data, rowEnd - 1, rowEnd - 1, cols, x, batch, out, outStride, lanes);
        }
    }

    /** Rows ra and rc for every group of up to {@value #MAX_BATCH} inputs. */
    private static void inputs(MemorySegment data, int ra, int rc, int cols, float[] x, int batch,
                               float[] out, int outStride, float[] lanes) {
        long a = 4L * ra * cols, c = 4L * rc * cols;
        int upper = cols & -G;
        for (int b = 0; b < batch; b += MAX_BATCH) {
            int n = Math.min(MAX_BATCH, batch - b);
            int x0 = b * cols;
            // one call per part of the 16 logical lanes (one part with AVX-512), as F32.dot runs them
            for (int p = 0; p < G; p += Lanes.N) {
                switch (n) {
                    case 1 -> pair1(data, a, c, upper, p, x, x0, lanes);
                    case 2 -> pair2(data, a, c, upper, p, x, x0, x0 + cols, lanes);
                    case 3 -> pair3(data, a, c, upper, p, x, x0, x0 + cols, x0 + 2 * cols, lanes);
                    case 4 -> pair4(data, a, c, upper, p, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, lanes);
                    case 5 -> pair5(data, a, c, upper, p, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, x0 + 4 * cols, lanes);
                    case 6 -> pair6(data, a, c, upper, p, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, x0 + 4 * cols,
                            x0 + 5 * cols, lanes);
                    case 7 -> pair7(data, a, c, upper, p, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, x0 + 4 * cols,
                            x0 + 5 * cols, x0 + 6 * cols, lanes);
                    default -> pair8(data, a, c, upper, p, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, x0 + 4 * cols,
                            x0 + 5 * cols, x0 + 6 * cols, x0 + 7 * cols, lanes);
                }
            }
            for (int j = 0; j < n; j++) {
                int xo = x0 + j * cols, o = (b + j) * outStride;
                out[o + ra] = finish(lanes, 2 * j * G, data, (long) ra * cols, upper, cols, x, xo);
                out[o + rc] = finish(lanes, (2 * j + 1) * G, data, (long) rc * cols, upper, cols, x, xo);
            }
        }
    }

    /** The lanes summed and the columns past the last 16 added one by one, as {@link F32#dot} ends. */
    private static float finish(float[] lanes, int o, MemorySegment data, long index, int upper, int n, float[] x, int xOffset) {
        float sum = LaneSum.of16(lanes, o);
        for (int i = upper; i < n; i++) {
            sum += data.getAtIndex(Layouts.FLOAT, index + i) * x[xOffset + i];
        }
        return sum;
    }

    // Rows at byte offsets a and c, inputs at x0.., logical lanes p.. of (input j, row a) stored at lanes[32 j + p..]
    // and of (input j, row c) at lanes[32 j + 16 + p..]: one accumulator each, fed in column order as F32.dot feeds
    // its one, so that a value does not depend on the batch or on which inputs share a group.

    private static void pair1(MemorySegment w, long a, long c, int upper, int p, float[] x, int x0, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), c0 = FloatVector.zero(S);
        for (int i = p; i < upper; i += G) {
            FloatVector wa = FloatVector.fromMemorySegment(S, w, a + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wc = FloatVector.fromMemorySegment(S, w, c + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + i);
            a0 = wa.fma(v0, a0); c0 = wc.fma(v0, c0);
        }
        a0.intoArray(lanes, 0 + p); c0.intoArray(lanes, 16 + p);
    }

    private static void pair2(MemorySegment w, long a, long c, int upper, int p, float[] x, int x0, int x1, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        for (int i = p; i < upper; i += G) {
            FloatVector wa = FloatVector.fromMemorySegment(S, w, a + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wc = FloatVector.fromMemorySegment(S, w, c + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + i);
            a0 = wa.fma(v0, a0); c0 = wc.fma(v0, c0);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + i);
            a1 = wa.fma(v1, a1); c1 = wc.fma(v1, c1);
        }
        a0.intoArray(lanes, 0 + p); c0.intoArray(lanes, 16 + p);
        a1.intoArray(lanes, 32 + p); c1.intoArray(lanes, 48 + p);
    }

    private static void pair3(MemorySegment w, long a, long c, int upper, int p, float[] x, int x0, int x1, int x2, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S);
        for (int i = p; i < upper; i += G) {
            FloatVector wa = FloatVector.fromMemorySegment(S, w, a + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wc = FloatVector.fromMemorySegment(S, w, c + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + i);
            a0 = wa.fma(v0, a0); c0 = wc.fma(v0, c0);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + i);
            a1 = wa.fma(v1, a1); c1 = wc.fma(v1, c1);
            FloatVector v2 = FloatVector.fromArray(S, x, x2 + i);
            a2 = wa.fma(v2, a2); c2 = wc.fma(v2, c2);
        }
        a0.intoArray(lanes, 0 + p); c0.intoArray(lanes, 16 + p);
        a1.intoArray(lanes, 32 + p); c1.intoArray(lanes, 48 + p);
        a2.intoArray(lanes, 64 + p); c2.intoArray(lanes, 80 + p);
    }

    private static void pair4(MemorySegment w, long a, long c, int upper, int p, float[] x, int x0, int x1, int x2, int x3, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S), c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        for (int i = p; i < upper; i += G) {
            FloatVector wa = FloatVector.fromMemorySegment(S, w, a + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wc = FloatVector.fromMemorySegment(S, w, c + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + i);
            a0 = wa.fma(v0, a0); c0 = wc.fma(v0, c0);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + i);
            a1 = wa.fma(v1, a1); c1 = wc.fma(v1, c1);
            FloatVector v2 = FloatVector.fromArray(S, x, x2 + i);
            a2 = wa.fma(v2, a2); c2 = wc.fma(v2, c2);
            FloatVector v3 = FloatVector.fromArray(S, x, x3 + i);
            a3 = wa.fma(v3, a3); c3 = wc.fma(v3, c3);
        }
        a0.intoArray(lanes, 0 + p); c0.intoArray(lanes, 16 + p);
        a1.intoArray(lanes, 32 + p); c1.intoArray(lanes, 48 + p);
        a2.intoArray(lanes, 64 + p); c2.intoArray(lanes, 80 + p);
        a3.intoArray(lanes, 96 + p); c3.intoArray(lanes, 112 + p);
    }

    private static void pair5(MemorySegment w, long a, long c, int upper, int p, float[] x, int x0, int x1, int x2, int x3, int x4, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S), a4 = FloatVector.zero(S), c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S), c4 = FloatVector.zero(S);
        for (int i = p; i < upper; i += G) {
            FloatVector wa = FloatVector.fromMemorySegment(S, w, a + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wc = FloatVector.fromMemorySegment(S, w, c + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + i);
            a0 = wa.fma(v0, a0); c0 = wc.fma(v0, c0);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + i);
            a1 = wa.fma(v1, a1); c1 = wc.fma(v1, c1);
            FloatVector v2 = FloatVector.fromArray(S, x, x2 + i);
            a2 = wa.fma(v2, a2); c2 = wc.fma(v2, c2);
            FloatVector v3 = FloatVector.fromArray(S, x, x3 + i);
            a3 = wa.fma(v3, a3); c3 = wc.fma(v3, c3);
            FloatVector v4 = FloatVector.fromArray(S, x, x4 + i);
            a4 = wa.fma(v4, a4); c4 = wc.fma(v4, c4);
        }
        a0.intoArray(lanes, 0 + p); c0.intoArray(lanes, 16 + p);
        a1.intoArray(lanes, 32 + p); c1.intoArray(lanes, 48 + p);
        a2.intoArray(lanes, 64 + p); c2.intoArray(lanes, 80 + p);
        a3.intoArray(lanes, 96 + p); c3.intoArray(lanes, 112 + p);
        a4.intoArray(lanes, 128 + p); c4.intoArray(lanes, 144 + p);
    }

    private static void pair6(MemorySegment w, long a, long c, int upper, int p, float[] x, int x0, int x1, int x2, int x3, int x4, int x5, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S), a4 = FloatVector.zero(S), a5 = FloatVector.zero(S), c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S), c4 = FloatVector.zero(S), c5 = FloatVector.zero(S);
        for (int i = p; i < upper; i += G) {
            FloatVector wa = FloatVector.fromMemorySegment(S, w, a + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wc = FloatVector.fromMemorySegment(S, w, c + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + i);
            a0 = wa.fma(v0, a0); c0 = wc.fma(v0, c0);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + i);
            a1 = wa.fma(v1, a1); c1 = wc.fma(v1, c1);
            FloatVector v2 = FloatVector.fromArray(S, x, x2 + i);
            a2 = wa.fma(v2, a2); c2 = wc.fma(v2, c2);
            FloatVector v3 = FloatVector.fromArray(S, x, x3 + i);
            a3 = wa.fma(v3, a3); c3 = wc.fma(v3, c3);
            FloatVector v4 = FloatVector.fromArray(S, x, x4 + i);
            a4 = wa.fma(v4, a4); c4 = wc.fma(v4, c4);
            FloatVector v5 = FloatVector.fromArray(S, x, x5 + i);
            a5 = wa.fma(v5, a5); c5 = wc.fma(v5, c5);
        }
        a0.intoArray(lanes, 0 + p); c0.intoArray(lanes, 16 + p);
        a1.intoArray(lanes, 32 + p); c1.intoArray(lanes, 48 + p);
        a2.intoArray(lanes, 64 + p); c2.intoArray(lanes, 80 + p);
        a3.intoArray(lanes, 96 + p); c3.intoArray(lanes, 112 + p);
        a4.intoArray(lanes, 128 + p); c4.intoArray(lanes, 144 + p);
        a5.intoArray(lanes, 160 + p); c5.intoArray(lanes, 176 + p);
    }

    private static void pair7(MemorySegment w, long a, long c, int upper, int p, float[] x, int x0, int x1, int x2, int x3, int x4, int x5, int x6, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S), a4 = FloatVector.zero(S), a5 = FloatVector.zero(S), a6 = FloatVector.zero(S), c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S), c4 = FloatVector.zero(S), c5 = FloatVector.zero(S), c6 = FloatVector.zero(S);
        for (int i = p; i < upper; i += G) {
            FloatVector wa = FloatVector.fromMemorySegment(S, w, a + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wc = FloatVector.fromMemorySegment(S, w, c + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + i);
            a0 = wa.fma(v0, a0); c0 = wc.fma(v0, c0);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + i);
            a1 = wa.fma(v1, a1); c1 = wc.fma(v1, c1);
            FloatVector v2 = FloatVector.fromArray(S, x, x2 + i);
            a2 = wa.fma(v2, a2); c2 = wc.fma(v2, c2);
            FloatVector v3 = FloatVector.fromArray(S, x, x3 + i);
            a3 = wa.fma(v3, a3); c3 = wc.fma(v3, c3);
            FloatVector v4 = FloatVector.fromArray(S, x, x4 + i);
            a4 = wa.fma(v4, a4); c4 = wc.fma(v4, c4);
            FloatVector v5 = FloatVector.fromArray(S, x, x5 + i);
            a5 = wa.fma(v5, a5); c5 = wc.fma(v5, c5);
            FloatVector v6 = FloatVector.fromArray(S, x, x6 + i);
            a6 = wa.fma(v6, a6); c6 = wc.fma(v6, c6);
        }
        a0.intoArray(lanes, 0 + p); c0.intoArray(lanes, 16 + p);
        a1.intoArray(lanes, 32 + p); c1.intoArray(lanes, 48 + p);
        a2.intoArray(lanes, 64 + p); c2.intoArray(lanes, 80 + p);
        a3.intoArray(lanes, 96 + p); c3.intoArray(lanes, 112 + p);
        a4.intoArray(lanes, 128 + p); c4.intoArray(lanes, 144 + p);
        a5.intoArray(lanes, 160 + p); c5.intoArray(lanes, 176 + p);
        a6.intoArray(lanes, 192 + p); c6.intoArray(lanes, 208 + p);
    }

    private static void pair8(MemorySegment w, long a, long c, int upper, int p, float[] x, int x0, int x1, int x2, int x3, int x4, int x5, int x6, int x7, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S), a4 = FloatVector.zero(S), a5 = FloatVector.zero(S), a6 = FloatVector.zero(S), a7 = FloatVector.zero(S), c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S), c4 = FloatVector.zero(S), c5 = FloatVector.zero(S), c6 = FloatVector.zero(S), c7 = FloatVector.zero(S);
        for (int i = p; i < upper; i += G) {
            FloatVector wa = FloatVector.fromMemorySegment(S, w, a + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wc = FloatVector.fromMemorySegment(S, w, c + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + i);
            a0 = wa.fma(v0, a0); c0 = wc.fma(v0, c0);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + i);
            a1 = wa.fma(v1, a1); c1 = wc.fma(v1, c1);
            FloatVector v2 = FloatVector.fromArray(S, x, x2 + i);
            a2 = wa.fma(v2, a2); c2 = wc.fma(v2, c2);
            FloatVector v3 = FloatVector.fromArray(S, x, x3 + i);
            a3 = wa.fma(v3, a3); c3 = wc.fma(v3, c3);
            FloatVector v4 = FloatVector.fromArray(S, x, x4 + i);
            a4 = wa.fma(v4, a4); c4 = wc.fma(v4, c4);
            FloatVector v5 = FloatVector.fromArray(S, x, x5 + i);
            a5 = wa.fma(v5, a5); c5 = wc.fma(v5, c5);
            FloatVector v6 = FloatVector.fromArray(S, x, x6 + i);
            a6 = wa.fma(v6, a6); c6 = wc.fma(v6, c6);
            FloatVector v7 = FloatVector.fromArray(S, x, x7 + i);
            a7 = wa.fma(v7, a7); c7 = wc.fma(v7, c7);
        }
        a0.intoArray(lanes, 0 + p); c0.intoArray(lanes, 16 + p);
        a1.intoArray(lanes, 32 + p); c1.intoArray(lanes, 48 + p);
        a2.intoArray(lanes, 64 + p); c2.intoArray(lanes, 80 + p);
        a3.intoArray(lanes, 96 + p); c3.intoArray(lanes, 112 + p);
        a4.intoArray(lanes, 128 + p); c4.intoArray(lanes, 144 + p);
        a5.intoArray(lanes, 160 + p); c5.intoArray(lanes, 176 + p);
        a6.intoArray(lanes, 192 + p); c6.intoArray(lanes, 208 + p);
        a7.intoArray(lanes, 224 + p); c7.intoArray(lanes, 240 + p);
    }
}
