package dev.specula.tensor.format;

import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * F32 products of a few inputs that stream each weight once for all of them: four rows at a time, every loaded
 * weight vector feeding up to {@value #MAX_BATCH} inputs, each (row, input) in its own accumulator with exactly
 * the order of {@link F32#dot}. Kept apart from {@link F32} because the hand-unrolled kernels (one per group size:
 * C2 keeps vectors in registers only as locals, never in an array) would bury that small format class.
 */
final class F32Rows {
    private F32Rows() {}

    /**
     * Inputs per kernel call: 4 rows x 6 inputs = 24 accumulators, beside 5 loaded vectors, in AVX-512's 32 registers.
     * Four rows, not two: with two, 5 inputs took 7 loads per 10 multiply-adds and ran 1.8x slower from L2.
     */
    static final int MAX_BATCH = 6;
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final int G = Lanes.LOGICAL;
    /** Per-thread room for one kernel call's accumulators: 4 passes x 4 rows x 6 inputs x 16 logical lanes. */
    private static final int PASS = 4 * MAX_BATCH * G;
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[4 * PASS]);

    /**
     * {@code out[b * outStride + r] = row r · x[b * cols ..]} for rows {@code [rowStart, rowEnd)} and {@code b < batch},
     * each value in the order of llama.cpp's one-input F32 product ({@code ggml_vec_dot_f32}, {@link F32#dot}), or with
     * {@code gemm} in that of its batched one (llamafile's tinyBLAS, {@link F32#gemmDot}), whatever the batch and the
     * vector width.
     */
    static void multiply(MemorySegment data, int cols, int rowStart, int rowEnd, float[] x, int batch,
                         float[] out, int outStride, boolean gemm) {
        float[] lanes = LANES.get();
        // Row r goes with rows r + q, r + 2q, r + 3q, not r + 1..r + 3, as Q8_0Rows pairs rows: streams far apart.
        int q = (rowEnd - rowStart) / 4;
        for (int r = rowStart; r < rowStart + q; r++) {
            inputs(data, r, r + q, r + 2 * q, r + 3 * q, cols, x, batch, out, outStride, lanes, gemm);
        }
        // the last 1 to 3 rows, a missing one standing in as a copy of the last
        int r = rowStart + 4 * q, last = rowEnd - 1;
        if (r <= last) inputs(data, r, Math.min(r + 1, last), Math.min(r + 2, last), last, cols, x, batch, out, outStride, lanes, gemm);
    }

    /**
     * Rows ra, rb, rc, rd for every group of up to {@value #MAX_BATCH} inputs. tinyBLAS has one accumulator per
     * output over steps of 16 values; ggml_vec_dot_f32 has four over steps of 64 (accumulator j: values 16j.. of
     * each step), run here as four passes, each weight still read once.
     */
    private static void inputs(MemorySegment data, int ra, int rb, int rc, int rd, int cols, float[] x, int batch,
                               float[] out, int outStride, float[] lanes, boolean gemm) {
        long a = 4L * ra * cols, b = 4L * rb * cols, c = 4L * rc * cols, d = 4L * rd * cols;
        int upper = gemm ? cols : cols & -64, passes = gemm ? 1 : 4, step = gemm ? G : 4 * G;
        for (int b0 = 0; b0 < batch; b0 += MAX_BATCH) {
            int n = Math.min(MAX_BATCH, batch - b0);
            int x0 = b0 * cols;
            for (int pass = 0; pass < passes; pass++) {
                int skip = pass * G, lo = pass * PASS;
                // one call per part of the 16 logical lanes (one part with AVX-512)
                for (int p = 0; p < G; p += Lanes.N) {
                    switch (n) {
                        case 1 -> quad1(data, a, b, c, d, upper, p, skip, step, lo, x, x0, lanes);
                        case 2 -> quad2(data, a, b, c, d, upper, p, skip, step, lo, x, x0, x0 + cols, lanes);
                        case 3 -> quad3(data, a, b, c, d, upper, p, skip, step, lo, x, x0, x0 + cols, x0 + 2 * cols, lanes);
                        case 4 -> quad4(data, a, b, c, d, upper, p, skip, step, lo, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, lanes);
                        case 5 -> quad5(data, a, b, c, d, upper, p, skip, step, lo, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols,
                                x0 + 4 * cols, lanes);
                        default -> quad6(data, a, b, c, d, upper, p, skip, step, lo, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols,
                                x0 + 4 * cols, x0 + 5 * cols, lanes);
                    }
                }
            }
            for (int j = 0; j < n; j++) {
                int xo = x0 + j * cols, o = (b0 + j) * outStride, l = 4 * j * G;
                if (gemm) {
                    out[o + ra] = LaneSum.of16Vector(lanes, l);
                    out[o + rb] = LaneSum.of16Vector(lanes, l + G);
                    out[o + rc] = LaneSum.of16Vector(lanes, l + 2 * G);
                    out[o + rd] = LaneSum.of16Vector(lanes, l + 3 * G);
                } else {
                    out[o + ra] = finish(lanes, l, data, (long) ra * cols, upper, cols, x, xo);
                    out[o + rb] = finish(lanes, l + G, data, (long) rb * cols, upper, cols, x, xo);
                    out[o + rc] = finish(lanes, l + 2 * G, data, (long) rc * cols, upper, cols, x, xo);
                    out[o + rd] = finish(lanes, l + 3 * G, data, (long) rd * cols, upper, cols, x, xo);
                }
            }
        }
    }

    /**
     * ggml_vec_dot_f32's end ({@link F32#rest}): the four passes' lanes added as (s0 + s2) + (s1 + s3), summed, then
     * the values past the last step of 64. With rows of a few hundred columns the sums weigh beside the
     * multiply-adds, hence {@link LaneSum#of16Vector}.
     */
    private static float finish(float[] lanes, int o, MemorySegment data, long index, int upper, int n, float[] x, int xOffset) {
        for (int i = 0; i < G; i++) {
            lanes[o + i] = (lanes[o + i] + lanes[2 * PASS + o + i]) + (lanes[PASS + o + i] + lanes[3 * PASS + o + i]);
        }
        return F32.rest(LaneSum.of16Vector(lanes, o), data, index, upper, n, x, xOffset);
    }

    // Rows at byte offsets a, b, c, d, inputs at x0.., logical lanes p.. of (input j, row t) stored at
    // lo + lanes[(4 j + t) 16 + p..]: one accumulator each over values skip + p, skip + p + step, ..., so that a value
    // does not depend on the batch or on which inputs and rows share a call.

    private static void quad1(MemorySegment w, long a, long b, long c, long d, int upper, int p, int skip, int step, int lo, float[] x, int x0, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S);
        FloatVector d0 = FloatVector.zero(S);
        for (int i = p + skip; i < upper; i += step) {
            FloatVector wa = FloatVector.fromMemorySegment(S, w, a + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wb = FloatVector.fromMemorySegment(S, w, b + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wc = FloatVector.fromMemorySegment(S, w, c + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wd = FloatVector.fromMemorySegment(S, w, d + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + i);
            a0 = wa.fma(v0, a0); b0 = wb.fma(v0, b0); c0 = wc.fma(v0, c0); d0 = wd.fma(v0, d0);
        }
        a0.intoArray(lanes, lo + 0 + p); b0.intoArray(lanes, lo + 16 + p); c0.intoArray(lanes, lo + 32 + p); d0.intoArray(lanes, lo + 48 + p);
    }

    private static void quad2(MemorySegment w, long a, long b, long c, long d, int upper, int p, int skip, int step, int lo, float[] x, int x0, int x1, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        FloatVector d0 = FloatVector.zero(S), d1 = FloatVector.zero(S);
        for (int i = p + skip; i < upper; i += step) {
            FloatVector wa = FloatVector.fromMemorySegment(S, w, a + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wb = FloatVector.fromMemorySegment(S, w, b + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wc = FloatVector.fromMemorySegment(S, w, c + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wd = FloatVector.fromMemorySegment(S, w, d + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + i);
            a0 = wa.fma(v0, a0); b0 = wb.fma(v0, b0); c0 = wc.fma(v0, c0); d0 = wd.fma(v0, d0);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + i);
            a1 = wa.fma(v1, a1); b1 = wb.fma(v1, b1); c1 = wc.fma(v1, c1); d1 = wd.fma(v1, d1);
        }
        a0.intoArray(lanes, lo + 0 + p); b0.intoArray(lanes, lo + 16 + p); c0.intoArray(lanes, lo + 32 + p); d0.intoArray(lanes, lo + 48 + p);
        a1.intoArray(lanes, lo + 64 + p); b1.intoArray(lanes, lo + 80 + p); c1.intoArray(lanes, lo + 96 + p); d1.intoArray(lanes, lo + 112 + p);
    }

    private static void quad3(MemorySegment w, long a, long b, long c, long d, int upper, int p, int skip, int step, int lo, float[] x, int x0, int x1, int x2, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S);
        FloatVector d0 = FloatVector.zero(S), d1 = FloatVector.zero(S), d2 = FloatVector.zero(S);
        for (int i = p + skip; i < upper; i += step) {
            FloatVector wa = FloatVector.fromMemorySegment(S, w, a + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wb = FloatVector.fromMemorySegment(S, w, b + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wc = FloatVector.fromMemorySegment(S, w, c + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wd = FloatVector.fromMemorySegment(S, w, d + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + i);
            a0 = wa.fma(v0, a0); b0 = wb.fma(v0, b0); c0 = wc.fma(v0, c0); d0 = wd.fma(v0, d0);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + i);
            a1 = wa.fma(v1, a1); b1 = wb.fma(v1, b1); c1 = wc.fma(v1, c1); d1 = wd.fma(v1, d1);
            FloatVector v2 = FloatVector.fromArray(S, x, x2 + i);
            a2 = wa.fma(v2, a2); b2 = wb.fma(v2, b2); c2 = wc.fma(v2, c2); d2 = wd.fma(v2, d2);
        }
        a0.intoArray(lanes, lo + 0 + p); b0.intoArray(lanes, lo + 16 + p); c0.intoArray(lanes, lo + 32 + p); d0.intoArray(lanes, lo + 48 + p);
        a1.intoArray(lanes, lo + 64 + p); b1.intoArray(lanes, lo + 80 + p); c1.intoArray(lanes, lo + 96 + p); d1.intoArray(lanes, lo + 112 + p);
        a2.intoArray(lanes, lo + 128 + p); b2.intoArray(lanes, lo + 144 + p); c2.intoArray(lanes, lo + 160 + p); d2.intoArray(lanes, lo + 176 + p);
    }

    private static void quad4(MemorySegment w, long a, long b, long c, long d, int upper, int p, int skip, int step, int lo, float[] x, int x0, int x1, int x2, int x3, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S), b3 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        FloatVector d0 = FloatVector.zero(S), d1 = FloatVector.zero(S), d2 = FloatVector.zero(S), d3 = FloatVector.zero(S);
        for (int i = p + skip; i < upper; i += step) {
            FloatVector wa = FloatVector.fromMemorySegment(S, w, a + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wb = FloatVector.fromMemorySegment(S, w, b + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wc = FloatVector.fromMemorySegment(S, w, c + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wd = FloatVector.fromMemorySegment(S, w, d + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + i);
            a0 = wa.fma(v0, a0); b0 = wb.fma(v0, b0); c0 = wc.fma(v0, c0); d0 = wd.fma(v0, d0);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + i);
            a1 = wa.fma(v1, a1); b1 = wb.fma(v1, b1); c1 = wc.fma(v1, c1); d1 = wd.fma(v1, d1);
            FloatVector v2 = FloatVector.fromArray(S, x, x2 + i);
            a2 = wa.fma(v2, a2); b2 = wb.fma(v2, b2); c2 = wc.fma(v2, c2); d2 = wd.fma(v2, d2);
            FloatVector v3 = FloatVector.fromArray(S, x, x3 + i);
            a3 = wa.fma(v3, a3); b3 = wb.fma(v3, b3); c3 = wc.fma(v3, c3); d3 = wd.fma(v3, d3);
        }
        a0.intoArray(lanes, lo + 0 + p); b0.intoArray(lanes, lo + 16 + p); c0.intoArray(lanes, lo + 32 + p); d0.intoArray(lanes, lo + 48 + p);
        a1.intoArray(lanes, lo + 64 + p); b1.intoArray(lanes, lo + 80 + p); c1.intoArray(lanes, lo + 96 + p); d1.intoArray(lanes, lo + 112 + p);
        a2.intoArray(lanes, lo + 128 + p); b2.intoArray(lanes, lo + 144 + p); c2.intoArray(lanes, lo + 160 + p); d2.intoArray(lanes, lo + 176 + p);
        a3.intoArray(lanes, lo + 192 + p); b3.intoArray(lanes, lo + 208 + p); c3.intoArray(lanes, lo + 224 + p); d3.intoArray(lanes, lo + 240 + p);
    }

    private static void quad5(MemorySegment w, long a, long b, long c, long d, int upper, int p, int skip, int step, int lo, float[] x, int x0, int x1, int x2, int x3, int x4, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S), a4 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S), b3 = FloatVector.zero(S), b4 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S), c4 = FloatVector.zero(S);
        FloatVector d0 = FloatVector.zero(S), d1 = FloatVector.zero(S), d2 = FloatVector.zero(S), d3 = FloatVector.zero(S), d4 = FloatVector.zero(S);
        for (int i = p + skip; i < upper; i += step) {
            FloatVector wa = FloatVector.fromMemorySegment(S, w, a + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wb = FloatVector.fromMemorySegment(S, w, b + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wc = FloatVector.fromMemorySegment(S, w, c + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wd = FloatVector.fromMemorySegment(S, w, d + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + i);
            a0 = wa.fma(v0, a0); b0 = wb.fma(v0, b0); c0 = wc.fma(v0, c0); d0 = wd.fma(v0, d0);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + i);
            a1 = wa.fma(v1, a1); b1 = wb.fma(v1, b1); c1 = wc.fma(v1, c1); d1 = wd.fma(v1, d1);
            FloatVector v2 = FloatVector.fromArray(S, x, x2 + i);
            a2 = wa.fma(v2, a2); b2 = wb.fma(v2, b2); c2 = wc.fma(v2, c2); d2 = wd.fma(v2, d2);
            FloatVector v3 = FloatVector.fromArray(S, x, x3 + i);
            a3 = wa.fma(v3, a3); b3 = wb.fma(v3, b3); c3 = wc.fma(v3, c3); d3 = wd.fma(v3, d3);
            FloatVector v4 = FloatVector.fromArray(S, x, x4 + i);
            a4 = wa.fma(v4, a4); b4 = wb.fma(v4, b4); c4 = wc.fma(v4, c4); d4 = wd.fma(v4, d4);
        }
        a0.intoArray(lanes, lo + 0 + p); b0.intoArray(lanes, lo + 16 + p); c0.intoArray(lanes, lo + 32 + p); d0.intoArray(lanes, lo + 48 + p);
        a1.intoArray(lanes, lo + 64 + p); b1.intoArray(lanes, lo + 80 + p); c1.intoArray(lanes, lo + 96 + p); d1.intoArray(lanes, lo + 112 + p);
        a2.intoArray(lanes, lo + 128 + p); b2.intoArray(lanes, lo + 144 + p); c2.intoArray(lanes, lo + 160 + p); d2.intoArray(lanes, lo + 176 + p);
        a3.intoArray(lanes, lo + 192 + p); b3.intoArray(lanes, lo + 208 + p); c3.intoArray(lanes, lo + 224 + p); d3.intoArray(lanes, lo + 240 + p);
        a4.intoArray(lanes, lo + 256 + p); b4.intoArray(lanes, lo + 272 + p); c4.intoArray(lanes, lo + 288 + p); d4.intoArray(lanes, lo + 304 + p);
    }

    private static void quad6(MemorySegment w, long a, long b, long c, long d, int upper, int p, int skip, int step, int lo, float[] x, int x0, int x1, int x2, int x3, int x4, int x5, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S), a4 = FloatVector.zero(S), a5 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S), b3 = FloatVector.zero(S), b4 = FloatVector.zero(S), b5 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S), c4 = FloatVector.zero(S), c5 = FloatVector.zero(S);
        FloatVector d0 = FloatVector.zero(S), d1 = FloatVector.zero(S), d2 = FloatVector.zero(S), d3 = FloatVector.zero(S), d4 = FloatVector.zero(S), d5 = FloatVector.zero(S);
        for (int i = p + skip; i < upper; i += step) {
            FloatVector wa = FloatVector.fromMemorySegment(S, w, a + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wb = FloatVector.fromMemorySegment(S, w, b + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wc = FloatVector.fromMemorySegment(S, w, c + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wd = FloatVector.fromMemorySegment(S, w, d + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + i);
            a0 = wa.fma(v0, a0); b0 = wb.fma(v0, b0); c0 = wc.fma(v0, c0); d0 = wd.fma(v0, d0);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + i);
            a1 = wa.fma(v1, a1); b1 = wb.fma(v1, b1); c1 = wc.fma(v1, c1); d1 = wd.fma(v1, d1);
            FloatVector v2 = FloatVector.fromArray(S, x, x2 + i);
            a2 = wa.fma(v2, a2); b2 = wb.fma(v2, b2); c2 = wc.fma(v2, c2); d2 = wd.fma(v2, d2);
            FloatVector v3 = FloatVector.fromArray(S, x, x3 + i);
            a3 = wa.fma(v3, a3); b3 = wb.fma(v3, b3); c3 = wc.fma(v3, c3); d3 = wd.fma(v3, d3);
            FloatVector v4 = FloatVector.fromArray(S, x, x4 + i);
            a4 = wa.fma(v4, a4); b4 = wb.fma(v4, b4); c4 = wc.fma(v4, c4); d4 = wd.fma(v4, d4);
            FloatVector v5 = FloatVector.fromArray(S, x, x5 + i);
            a5 = wa.fma(v5, a5); b5 = wb.fma(v5, b5); c5 = wc.fma(v5, c5); d5 = wd.fma(v5, d5);
        }
        a0.intoArray(lanes, lo + 0 + p); b0.intoArray(lanes, lo + 16 + p); c0.intoArray(lanes, lo + 32 + p); d0.intoArray(lanes, lo + 48 + p);
        a1.intoArray(lanes, lo + 64 + p); b1.intoArray(lanes, lo + 80 + p); c1.intoArray(lanes, lo + 96 + p); d1.intoArray(lanes, lo + 112 + p);
        a2.intoArray(lanes, lo + 128 + p); b2.intoArray(lanes, lo + 144 + p); c2.intoArray(lanes, lo + 160 + p); d2.intoArray(lanes, lo + 176 + p);
        a3.intoArray(lanes, lo + 192 + p); b3.intoArray(lanes, lo + 208 + p); c3.intoArray(lanes, lo + 224 + p); d3.intoArray(lanes, lo + 240 + p);
        a4.intoArray(lanes, lo + 256 + p); b4.intoArray(lanes, lo + 272 + p); c4.intoArray(lanes, lo + 288 + p); d4.intoArray(lanes, lo + 304 + p);
        a5.intoArray(lanes, lo + 320 + p); b5.intoArray(lanes, lo + 336 + p); c5.intoArray(lanes, lo + 352 + p); d5.intoArray(lanes, lo + 368 + p);
    }
}
