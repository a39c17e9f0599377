package dev.specula.tensor.format;

import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Layouts;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Q4_0 products of up to {@value #MAX_BATCH} inputs straight from the blocks, on 512-bit vectors: two rows at a
 * time, each block decoded once for every input. The nibbles index a 16-entry table of (k - 8) * d held in one
 * register ({@code selectFrom}, one {@code vpermd}), which replaces the subtract and int-to-float conversion of
 * each value. No helper takes or returns a vector (see {@link Q8_0}), so the kernels are unrolled, by
 * {@code KernelSourceGenerator} (test sources).
 */
final class Q4_0Rows {
    private Q4_0Rows() {}

    /** Inputs per kernel call; larger batches run in groups of this many, in the same per-input order. */
    static final int MAX_BATCH = 8;
    /** These kernels need 16 float lanes; elsewhere the format's generic paths run. */
    static final boolean SUPPORTED = FloatVector.SPECIES_PREFERRED.length() == 16;
    private static final int BYTES = 18;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    /** Per-thread room for the accumulators of one kernel call: 2 rows x 8 inputs x 16 lanes. */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[2 * MAX_BATCH * 16]);
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    /** The nibble values less 8, scaled by each block's d. A float[] and not a static FloatVector: C2 called mul on that one virtually. */
    private static final float[] LEVELS = {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7};

    /**
     * {@code out[b * outStride + r] = row r · x[b * cols ..]} for rows {@code [rowStart, rowEnd)} and
     * {@code b < batch}: two rows at a time, groups of up to {@value #MAX_BATCH} inputs, one kernel per group size.
     */
    static void multiply(MemorySegment data, int cols, int rowStart, int rowEnd, float[] x, int batch,
                         float[] out, int outStride) {
        int blocks = cols / 32;
        long rowBytes = (long) blocks * BYTES;
        // Row r pairs with row r + half, not r + 1: two streams of weights far apart measured 10-25% faster
        // from memory than two adjacent rows (and than one row at a time).
        float[] lanes = LANES.get();
        int half = (rowEnd - rowStart) / 2;
        for (int r = rowStart; r < rowStart + half; r++) {
            inputs(data, r * rowBytes, (r + half) * rowBytes, half, blocks, cols, x, batch, out, r, outStride, lanes);
        }
        if (((rowEnd - rowStart) & 1) != 0) { // an odd last row pairs with itself
            long a = (rowEnd - 1) * rowBytes;
            inputs(data, a, a, 0, blocks, cols, x, batch, out, rowEnd - 1, outStride, lanes);
        }
    }

    /** Rows at byte offsets a and c = a + dr rows, for every group of up to {@value #MAX_BATCH} inputs. */
    private static void inputs(MemorySegment data, long a, long c, int dr, int blocks, int cols, float[] x, int batch,
                               float[] out, int r, int outStride, float[] lanes) {
        for (int b = 0; b < batch; b += MAX_BATCH) {
            int x0 = b * cols, o = b * outStride + r;
            switch (Math.min(MAX_BATCH, batch - b)) {
                case 1 -> pair1(data, a, c, blocks, x, x0, out, o, dr, lanes);
                case 2 -> pair2(data, a, c, blocks, x, x0, x0 + cols, out, o, dr, outStride, lanes);
                case 3 -> pair3(data, a, c, blocks, x, x0, x0 + cols, x0 + 2 * cols, out, o, dr, outStride, lanes);
                case 4 -> pair4(data, a, c, blocks, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, out, o, dr, outStride, lanes);
                case 5 -> pair5(data, a, c, blocks, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, x0 + 4 * cols, out, o, dr, outStride, lanes);
                case 6 -> pair6(data, a, c, blocks, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, x0 + 4 * cols, x0 + 5 * cols, out, o, dr, outStride, lanes);
                case 7 -> pair7(data, a, c, blocks, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, x0 + 4 * cols, x0 + 5 * cols, x0 + 6 * cols, out, o, dr, outStride, lanes);
                default -> pair8(data, a, c, blocks, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, x0 + 4 * cols, x0 + 5 * cols, x0 + 6 * cols, x0 + 7 * cols, out, o, dr, outStride, lanes);
            }
        }
    }

    // Rows at byte offsets a and c (c = a when the row is alone, dr = 0), inputs at x0.., outputs out[o + j * stride]
    // and out[o + j * stride + dr]. Every kernel adds in the same order for each (row, input): one accumulator,
    // the block's low half then its high half, lanes summed as LaneSum does. So a value never depends on the
    // batch size or on which inputs share a group, and batched logits equal one-token logits bit for bit
    // (speculative verification against one-token decoding). A single input once kept two accumulators, the
    // two halves apart, to hide FMA latency; that changed its last bits against the batched kernels.
    // The loops count blocks in an int so that C2 can hoist the segment's bounds checks.

    // ---- generated by KernelSourceGenerator (test sources, dev.specula.tensor.gen): edit it, not these ----
    private static void pair1(MemorySegment w, long a, long c, int blocks, float[] x, int x0,
                              float[] out, int o, int dr, float[] lanes) {
        FloatVector a0 = FloatVector.zero(F), c0 = FloatVector.zero(F);
        FloatVector levels = FloatVector.fromArray(F, LEVELS, 0);
        for (int i = 0; i < blocks; i++) {
            int k = i * 32;
            long pa = a + (long) i * BYTES, pc = c + (long) i * BYTES;
            IntVector ta = levels.mul(Float.float16ToFloat(w.get(Layouts.SHORT, pa))).reinterpretAsInts();
            IntVector qa = (IntVector) ByteVector.fromMemorySegment(B, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector aL = qa.and(15).selectFrom(ta).reinterpretAsFloats();
            FloatVector aH = qa.lanewise(VectorOperators.LSHR, 4).selectFrom(ta).reinterpretAsFloats();
            IntVector tc = levels.mul(Float.float16ToFloat(w.get(Layouts.SHORT, pc))).reinterpretAsInts();
            IntVector qc = (IntVector) ByteVector.fromMemorySegment(B, w, pc + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector cL = qc.and(15).selectFrom(tc).reinterpretAsFloats();
            FloatVector cH = qc.lanewise(VectorOperators.LSHR, 4).selectFrom(tc).reinterpretAsFloats();
            FloatVector v = FloatVector.fromArray(F, x, x0 + k);
            a0 = aL.fma(v, a0); c0 = cL.fma(v, c0);
            v = FloatVector.fromArray(F, x, x0 + k + 16);
            a0 = aH.fma(v, a0); c0 = cH.fma(v, c0);
        }
        a0.intoArray(lanes, 0); c0.intoArray(lanes, 16);
        out[o] = laneSum(lanes, 0); out[o + dr] = laneSum(lanes, 16);
    }

    private static void pair2(MemorySegment w, long a, long c, int blocks, float[] x, int x0, int x1,
                              float[] out, int o, int dr, int stride, float[] lanes) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F);
        FloatVector levels = FloatVector.fromArray(F, LEVELS, 0);
        for (int i = 0; i < blocks; i++) {
            int k = i * 32;
            long pa = a + (long) i * BYTES, pc = c + (long) i * BYTES;
            IntVector ta = levels.mul(Float.float16ToFloat(w.get(Layouts.SHORT, pa))).reinterpretAsInts();
            IntVector qa = (IntVector) ByteVector.fromMemorySegment(B, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector aL = qa.and(15).selectFrom(ta).reinterpretAsFloats();
            FloatVector aH = qa.lanewise(VectorOperators.LSHR, 4).selectFrom(ta).reinterpretAsFloats();
            IntVector tc = levels.mul(Float.float16ToFloat(w.get(Layouts.SHORT, pc))).reinterpretAsInts();
            IntVector qc = (IntVector) ByteVector.fromMemorySegment(B, w, pc + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector cL = qc.and(15).selectFrom(tc).reinterpretAsFloats();
            FloatVector cH = qc.lanewise(VectorOperators.LSHR, 4).selectFrom(tc).reinterpretAsFloats();
            FloatVector v = FloatVector.fromArray(F, x, x0 + k);
            a0 = aL.fma(v, a0); c0 = cL.fma(v, c0);
            v = FloatVector.fromArray(F, x, x1 + k);
            a1 = aL.fma(v, a1); c1 = cL.fma(v, c1);
            v = FloatVector.fromArray(F, x, x0 + k + 16);
            a0 = aH.fma(v, a0); c0 = cH.fma(v, c0);
            v = FloatVector.fromArray(F, x, x1 + k + 16);
            a1 = aH.fma(v, a1); c1 = cH.fma(v, c1);
        }
        a0.intoArray(lanes, 0); c0.intoArray(lanes, 16);
        a1.intoArray(lanes, 32); c1.intoArray(lanes, 48);
        out[o] = laneSum(lanes, 0); out[o + dr] = laneSum(lanes, 16);
        out[o + stride] = laneSum(lanes, 32); out[o + stride + dr] = laneSum(lanes, 48);
    }

    private static void pair3(MemorySegment w, long a, long c, int blocks, float[] x, int x0, int x1, int x2,
                              float[] out, int o, int dr, int stride, float[] lanes) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F);
        FloatVector levels = FloatVector.fromArray(F, LEVELS, 0);
        for (int i = 0; i < blocks; i++) {
            int k = i * 32;
            long pa = a + (long) i * BYTES, pc = c + (long) i * BYTES;
            IntVector ta = levels.mul(Float.float16ToFloat(w.get(Layouts.SHORT, pa))).reinterpretAsInts();
            IntVector qa = (IntVector) ByteVector.fromMemorySegment(B, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector aL = qa.and(15).selectFrom(ta).reinterpretAsFloats();
            FloatVector aH = qa.lanewise(VectorOperators.LSHR, 4).selectFrom(ta).reinterpretAsFloats();
            IntVector tc = levels.mul(Float.float16ToFloat(w.get(Layouts.SHORT, pc))).reinterpretAsInts();
            IntVector qc = (IntVector) ByteVector.fromMemorySegment(B, w, pc + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector cL = qc.and(15).selectFrom(tc).reinterpretAsFloats();
            FloatVector cH = qc.lanewise(VectorOperators.LSHR, 4).selectFrom(tc).reinterpretAsFloats();
            FloatVector v = FloatVector.fromArray(F, x, x0 + k);
            a0 = aL.fma(v, a0); c0 = cL.fma(v, c0);
            v = FloatVector.fromArray(F, x, x1 + k);
            a1 = aL.fma(v, a1); c1 = cL.fma(v, c1);
            v = FloatVector.fromArray(F, x, x2 + k);
            a2 = aL.fma(v, a2); c2 = cL.fma(v, c2);
            v = FloatVector.fromArray(F, x, x0 + k + 16);
            a0 = aH.fma(v, a0); c0 = cH.fma(v, c0);
            v = FloatVector.fromArray(F, x, x1 + k + 16);
            a1 = aH.fma(v, a1); c1 = cH.fma(v, c1);
            v = FloatVector.fromArray(F, x, x2 + k + 16);
            a2 = aH.fma(v, a2); c2 = cH.fma(v, c2);
        }
        a0.intoArray(lanes, 0); c0.intoArray(lanes, 16);
        a1.intoArray(lanes, 32); c1.intoArray(lanes, 48);
        a2.intoArray(lanes, 64); c2.intoArray(lanes, 80);
        out[o] = laneSum(lanes, 0); out[o + dr] = laneSum(lanes, 16);
        out[o + stride] = laneSum(lanes, 32); out[o + stride + dr] = laneSum(lanes, 48);
        out[o + 2 * stride] = laneSum(lanes, 64); out[o + 2 * stride + dr] = laneSum(lanes, 80);
    }

    private static void pair4(MemorySegment w, long a, long c, int blocks, float[] x, int x0, int x1, int x2, int x3,
                              float[] out, int o, int dr, int stride, float[] lanes) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F);
        FloatVector levels = FloatVector.fromArray(F, LEVELS, 0);
        for (int i = 0; i < blocks; i++) {
            int k = i * 32;
            long pa = a + (long) i * BYTES, pc = c + (long) i * BYTES;
            IntVector ta = levels.mul(Float.float16ToFloat(w.get(Layouts.SHORT, pa))).reinterpretAsInts();
            IntVector qa = (IntVector) ByteVector.fromMemorySegment(B, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector aL = qa.and(15).selectFrom(ta).reinterpretAsFloats();
            FloatVector aH = qa.lanewise(VectorOperators.LSHR, 4).selectFrom(ta).reinterpretAsFloats();
            IntVector tc = levels.mul(Float.float16ToFloat(w.get(Layouts.SHORT, pc))).reinterpretAsInts();
            IntVector qc = (IntVector) ByteVector.fromMemorySegment(B, w, pc + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector cL = qc.and(15).selectFrom(tc).reinterpretAsFloats();
            FloatVector cH = qc.lanewise(VectorOperators.LSHR, 4).selectFrom(tc).reinterpretAsFloats();
            FloatVector v = FloatVector.fromArray(F, x, x0 + k);
            a0 = aL.fma(v, a0); c0 = cL.fma(v, c0);
            v = FloatVector.fromArray(F, x, x1 + k);
            a1 = aL.fma(v, a1); c1 = cL.fma(v, c1);
            v = FloatVector.fromArray(F, x, x2 + k);
            a2 = aL.fma(v, a2); c2 = cL.fma(v, c2);
            v = FloatVector.fromArray(F, x, x3 + k);
            a3 = aL.fma(v, a3); c3 = cL.fma(v, c3);
            v = FloatVector.fromArray(F, x, x0 + k + 16);
            a0 = aH.fma(v, a0); c0 = cH.fma(v, c0);
            v = FloatVector.fromArray(F, x, x1 + k + 16);
            a1 = aH.fma(v, a1); c1 = cH.fma(v, c1);
            v = FloatVector.fromArray(F, x, x2 + k + 16);
            a2 = aH.fma(v, a2); c2 = cH.fma(v, c2);
            v = FloatVector.fromArray(F, x, x3 + k + 16);
            a3 = aH.fma(v, a3); c3 = cH.fma(v, c3);
        }
        a0.intoArray(lanes, 0); c0.intoArray(lanes, 16);
        a1.intoArray(lanes, 32); c1.intoArray(lanes, 48);
        a2.intoArray(lanes, 64); c2.intoArray(lanes, 80);
        a3.intoArray(lanes, 96); c3.intoArray(lanes, 112);
        out[o] = laneSum(lanes, 0); out[o + dr] = laneSum(lanes, 16);
        out[o + stride] = laneSum(lanes, 32); out[o + stride + dr] = laneSum(lanes, 48);
        out[o + 2 * stride] = laneSum(lanes, 64); out[o + 2 * stride + dr] = laneSum(lanes, 80);
        out[o + 3 * stride] = laneSum(lanes, 96); out[o + 3 * stride + dr] = laneSum(lanes, 112);
    }

    private static void pair5(MemorySegment w, long a, long c, int blocks, float[] x, int x0, int x1, int x2, int x3, int x4,
                              float[] out, int o, int dr, int stride, float[] lanes) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F), a4 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F), c4 = FloatVector.zero(F);
        FloatVector levels = FloatVector.fromArray(F, LEVELS, 0);
        for (int i = 0; i < blocks; i++) {
            int k = i * 32;
            long pa = a + (long) i * BYTES, pc = c + (long) i * BYTES;
            IntVector ta = levels.mul(Float.float16ToFloat(w.get(Layouts.SHORT, pa))).reinterpretAsInts();
            IntVector qa = (IntVector) ByteVector.fromMemorySegment(B, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector aL = qa.and(15).selectFrom(ta).reinterpretAsFloats();
            FloatVector aH = qa.lanewise(VectorOperators.LSHR, 4).selectFrom(ta).reinterpretAsFloats();
            IntVector tc = levels.mul(Float.float16ToFloat(w.get(Layouts.SHORT, pc))).reinterpretAsInts();
            IntVector qc = (IntVector) ByteVector.fromMemorySegment(B, w, pc + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector cL = qc.and(15).selectFrom(tc).reinterpretAsFloats();
            FloatVector cH = qc.lanewise(VectorOperators.LSHR, 4).selectFrom(tc).reinterpretAsFloats();
            FloatVector v = FloatVector.fromArray(F, x, x0 + k);
            a0 = aL.fma(v, a0); c0 = cL.fma(v, c0);
            v = FloatVector.fromArray(F, x, x1 + k);
            a1 = aL.fma(v, a1); c1 = cL.fma(v, c1);
            v = FloatVector.fromArray(F, x, x2 + k);
            a2 = aL.fma(v, a2); c2 = cL.fma(v, c2);
            v = FloatVector.fromArray(F, x, x3 + k);
            a3 = aL.fma(v, a3); c3 = cL.fma(v, c3);
            v = FloatVector.fromArray(F, x, x4 + k);
            a4 = aL.fma(v, a4); c4 = cL.fma(v, c4);
            v = FloatVector.fromArray(F, x, x0 + k + 16);
            a0 = aH.fma(v, a0); c0 = cH.fma(v, c0);
            v = FloatVector.fromArray(F, x, x1 + k + 16);
            a1 = aH.fma(v, a1); c1 = cH.fma(v, c1);
            v = FloatVector.fromArray(F, x, x2 + k + 16);
            a2 = aH.fma(v, a2); c2 = cH.fma(v, c2);
            v = FloatVector.fromArray(F, x, x3 + k + 16);
            a3 = aH.fma(v, a3); c3 = cH.fma(v, c3);
            v = FloatVector.fromArray(F, x, x4 + k + 16);
            a4 = aH.fma(v, a4); c4 = cH.fma(v, c4);
        }
        a0.intoArray(lanes, 0); c0.intoArray(lanes, 16);
        a1.intoArray(lanes, 32); c1.intoArray(lanes, 48);
        a2.intoArray(lanes, 64); c2.intoArray(lanes, 80);
        a3.intoArray(lanes, 96); c3.intoArray(lanes, 112);
        a4.intoArray(lanes, 128); c4.intoArray(lanes, 144);
        out[o] = laneSum(lanes, 0); out[o + dr] = laneSum(lanes, 16);
        out[o + stride] = laneSum(lanes, 32); out[o + stride + dr] = laneSum(lanes, 48);
        out[o + 2 * stride] = laneSum(lanes, 64); out[o + 2 * stride + dr] = laneSum(lanes, 80);
        out[o + 3 * stride] = laneSum(lanes, 96); out[o + 3 * stride + dr] = laneSum(lanes, 112);
        out[o + 4 * stride] = laneSum(lanes, 128); out[o + 4 * stride + dr] = laneSum(lanes, 144);
    }

    private static void pair6(MemorySegment w, long a, long c, int blocks, float[] x, int x0, int x1, int x2, int x3, int x4, int x5,
                              float[] out, int o, int dr, int stride, float[] lanes) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F), a4 = FloatVector.zero(F), a5 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F), c4 = FloatVector.zero(F), c5 = FloatVector.zero(F);
        FloatVector levels = FloatVector.fromArray(F, LEVELS, 0);
        for (int i = 0; i < blocks; i++) {
            int k = i * 32;
            long pa = a + (long) i * BYTES, pc = c + (long) i * BYTES;
            IntVector ta = levels.mul(Float.float16ToFloat(w.get(Layouts.SHORT, pa))).reinterpretAsInts();
            IntVector qa = (IntVector) ByteVector.fromMemorySegment(B, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector aL = qa.and(15).selectFrom(ta).reinterpretAsFloats();
            FloatVector aH = qa.lanewise(VectorOperators.LSHR, 4).selectFrom(ta).reinterpretAsFloats();
            IntVector tc = levels.mul(Float.float16ToFloat(w.get(Layouts.SHORT, pc))).reinterpretAsInts();
            IntVector qc = (IntVector) ByteVector.fromMemorySegment(B, w, pc + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector cL = qc.and(15).selectFrom(tc).reinterpretAsFloats();
            FloatVector cH = qc.lanewise(VectorOperators.LSHR, 4).selectFrom(tc).reinterpretAsFloats();
            FloatVector v = FloatVector.fromArray(F, x, x0 + k);
            a0 = aL.fma(v, a0); c0 = cL.fma(v, c0);
            v = FloatVector.fromArray(F, x, x1 + k);
            a1 = aL.fma(v, a1); c1 = cL.fma(v, c1);
            v = FloatVector.fromArray(F, x, x2 + k);
            a2 = aL.fma(v, a2); c2 = cL.fma(v, c2);
            v = FloatVector.fromArray(F, x, x3 + k);
            a3 = aL.fma(v, a3); c3 = cL.fma(v, c3);
            v = FloatVector.fromArray(F, x, x4 + k);
            a4 = aL.fma(v, a4); c4 = cL.fma(v, c4);
            v = FloatVector.fromArray(F, x, x5 + k);
            a5 = aL.fma(v, a5); c5 = cL.fma(v, c5);
            v = FloatVector.fromArray(F, x, x0 + k + 16);
            a0 = aH.fma(v, a0); c0 = cH.fma(v, c0);
            v = FloatVector.fromArray(F, x, x1 + k + 16);
            a1 = aH.fma(v, a1); c1 = cH.fma(v, c1);
            v = FloatVector.fromArray(F, x, x2 + k + 16);
            a2 = aH.fma(v, a2); c2 = cH.fma(v, c2);
            v = FloatVector.fromArray(F, x, x3 + k + 16);
            a3 = aH.fma(v, a3); c3 = cH.fma(v, c3);
            v = FloatVector.fromArray(F, x, x4 + k + 16);
            a4 = aH.fma(v, a4); c4 = cH.fma(v, c4);
            v = FloatVector.fromArray(F, x, x5 + k + 16);
            a5 = aH.fma(v, a5); c5 = cH.fma(v, c5);
        }
        a0.intoArray(lanes, 0); c0.intoArray(lanes, 16);
        a1.intoArray(lanes, 32); c1.intoArray(lanes, 48);
        a2.intoArray(lanes, 64); c2.intoArray(lanes, 80);
        a3.intoArray(lanes, 96); c3.intoArray(lanes, 112);
        a4.intoArray(lanes, 128); c4.intoArray(lanes, 144);
        a5.intoArray(lanes, 160); c5.intoArray(lanes, 176);
        out[o] = laneSum(lanes, 0); out[o + dr] = laneSum(lanes, 16);
        out[o + stride] = laneSum(lanes, 32); out[o + stride + dr] = laneSum(lanes, 48);
        out[o + 2 * stride] = laneSum(lanes, 64); out[o + 2 * stride + dr] = laneSum(lanes, 80);
        out[o + 3 * stride] = laneSum(lanes, 96); out[o + 3 * stride + dr] = laneSum(lanes, 112);
        out[o + 4 * stride] = laneSum(lanes, 128); out[o + 4 * stride + dr] = laneSum(lanes, 144);
        out[o + 5 * stride] = laneSum(lanes, 160); out[o + 5 * stride + dr] = laneSum(lanes, 176);
    }

    private static void pair7(MemorySegment w, long a, long c, int blocks, float[] x, int x0, int x1, int x2, int x3, int x4, int x5, int x6,
                              float[] out, int o, int dr, int stride, float[] lanes) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F), a4 = FloatVector.zero(F), a5 = FloatVector.zero(F), a6 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F), c4 = FloatVector.zero(F), c5 = FloatVector.zero(F), c6 = FloatVector.zero(F);
        FloatVector levels = FloatVector.fromArray(F, LEVELS, 0);
        for (int i = 0; i < blocks; i++) {
            int k = i * 32;
            long pa = a + (long) i * BYTES, pc = c + (long) i * BYTES;
            IntVector ta = levels.mul(Float.float16ToFloat(w.get(Layouts.SHORT, pa))).reinterpretAsInts();
            IntVector qa = (IntVector) ByteVector.fromMemorySegment(B, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector aL = qa.and(15).selectFrom(ta).reinterpretAsFloats();
            FloatVector aH = qa.lanewise(VectorOperators.LSHR, 4).selectFrom(ta).reinterpretAsFloats();
            IntVector tc = levels.mul(Float.float16ToFloat(w.get(Layouts.SHORT, pc))).reinterpretAsInts();
            IntVector qc = (IntVector) ByteVector.fromMemorySegment(B, w, pc + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector cL = qc.and(15).selectFrom(tc).reinterpretAsFloats();
            FloatVector cH = qc.lanewise(VectorOperators.LSHR, 4).selectFrom(tc).reinterpretAsFloats();
            FloatVector v = FloatVector.fromArray(F, x, x0 + k);
            a0 = aL.fma(v, a0); c0 = cL.fma(v, c0);
            v = FloatVector.fromArray(F, x, x1 + k);
            a1 = aL.fma(v, a1); c1 = cL.fma(v, c1);
            v = FloatVector.fromArray(F, x, x2 + k);
            a2 = aL.fma(v, a2); c2 = cL.fma(v, c2);
            v = FloatVector.fromArray(F, x, x3 + k);
            a3 = aL.fma(v, a3); c3 = cL.fma(v, c3);
            v = FloatVector.fromArray(F, x, x4 + k);
            a4 = aL.fma(v, a4); c4 = cL.fma(v, c4);
            v = FloatVector.fromArray(F, x, x5 + k);
            a5 = aL.fma(v, a5); c5 = cL.fma(v, c5);
            v = FloatVector.fromArray(F, x, x6 + k);
            a6 = aL.fma(v, a6); c6 = cL.fma(v, c6);
            v = FloatVector.fromArray(F, x, x0 + k + 16);
            a0 = aH.fma(v, a0); c0 = cH.fma(v, c0);
            v = FloatVector.fromArray(F, x, x1 + k + 16);
            a1 = aH.fma(v, a1); c1 = cH.fma(v, c1);
            v = FloatVector.fromArray(F, x, x2 + k + 16);
            a2 = aH.fma(v, a2); c2 = cH.fma(v, c2);
            v = FloatVector.fromArray(F, x, x3 + k + 16);
            a3 = aH.fma(v, a3); c3 = cH.fma(v, c3);
            v = FloatVector.fromArray(F, x, x4 + k + 16);
            a4 = aH.fma(v, a4); c4 = cH.fma(v, c4);
            v = FloatVector.fromArray(F, x, x5 + k + 16);
            a5 = aH.fma(v, a5); c5 = cH.fma(v, c5);
            v = FloatVector.fromArray(F, x, x6 + k + 16);
            a6 = aH.fma(v, a6); c6 = cH.fma(v, c6);
        }
        a0.intoArray(lanes, 0); c0.intoArray(lanes, 16);
        a1.intoArray(lanes, 32); c1.intoArray(lanes, 48);
        a2.intoArray(lanes, 64); c2.intoArray(lanes, 80);
        a3.intoArray(lanes, 96); c3.intoArray(lanes, 112);
        a4.intoArray(lanes, 128); c4.intoArray(lanes, 144);
        a5.intoArray(lanes, 160); c5.intoArray(lanes, 176);
        a6.intoArray(lanes, 192); c6.intoArray(lanes, 208);
        out[o] = laneSum(lanes, 0); out[o + dr] = laneSum(lanes, 16);
        out[o + stride] = laneSum(lanes, 32); out[o + stride + dr] = laneSum(lanes, 48);
        out[o + 2 * stride] = laneSum(lanes, 64); out[o + 2 * stride + dr] = laneSum(lanes, 80);
        out[o + 3 * stride] = laneSum(lanes, 96); out[o + 3 * stride + dr] = laneSum(lanes, 112);
        out[o + 4 * stride] = laneSum(lanes, 128); out[o + 4 * stride + dr] = laneSum(lanes, 144);
        out[o + 5 * stride] = laneSum(lanes, 160); out[o + 5 * stride + dr] = laneSum(lanes, 176);
        out[o + 6 * stride] = laneSum(lanes, 192); out[o + 6 * stride + dr] = laneSum(lanes, 208);
    }

    private static void pair8(MemorySegment w, long a, long c, int blocks, float[] x, int x0, int x1, int x2, int x3, int x4, int x5, int x6, int x7,
                              float[] out, int o, int dr, int stride, float[] lanes) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F), a4 = FloatVector.zero(F), a5 = FloatVector.zero(F), a6 = FloatVector.zero(F), a7 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F), c4 = FloatVector.zero(F), c5 = FloatVector.zero(F), c6 = FloatVector.zero(F), c7 = FloatVector.zero(F);
        FloatVector levels = FloatVector.fromArray(F, LEVELS, 0);
        for (int i = 0; i < blocks; i++) {
            int k = i * 32;
            long pa = a + (long) i * BYTES, pc = c + (long) i * BYTES;
            IntVector ta = levels.mul(Float.float16ToFloat(w.get(Layouts.SHORT, pa))).reinterpretAsInts();
            IntVector qa = (IntVector) ByteVector.fromMemorySegment(B, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector aL = qa.and(15).selectFrom(ta).reinterpretAsFloats();
            FloatVector aH = qa.lanewise(VectorOperators.LSHR, 4).selectFrom(ta).reinterpretAsFloats();
            IntVector tc = levels.mul(Float.float16ToFloat(w.get(Layouts.SHORT, pc))).reinterpretAsInts();
            IntVector qc = (IntVector) ByteVector.fromMemorySegment(B, w, pc + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector cL = qc.and(15).selectFrom(tc).reinterpretAsFloats();
            FloatVector cH = qc.lanewise(VectorOperators.LSHR, 4).selectFrom(tc).reinterpretAsFloats();
            FloatVector v = FloatVector.fromArray(F, x, x0 + k);
            a0 = aL.fma(v, a0); c0 = cL.fma(v, c0);
            v = FloatVector.fromArray(F, x, x1 + k);
            a1 = aL.fma(v, a1); c1 = cL.fma(v, c1);
            v = FloatVector.fromArray(F, x, x2 + k);
            a2 = aL.fma(v, a2); c2 = cL.fma(v, c2);
            v = FloatVector.fromArray(F, x, x3 + k);
            a3 = aL.fma(v, a3); c3 = cL.fma(v, c3);
            v = FloatVector.fromArray(F, x, x4 + k);
            a4 = aL.fma(v, a4); c4 = cL.fma(v, c4);
            v = FloatVector.fromArray(F, x, x5 + k);
            a5 = aL.fma(v, a5); c5 = cL.fma(v, c5);
            v = FloatVector.fromArray(F, x, x6 + k);
            a6 = aL.fma(v, a6); c6 = cL.fma(v, c6);
            v = FloatVector.fromArray(F, x, x7 + k);
            a7 = aL.fma(v, a7); c7 = cL.fma(v, c7);
            v = FloatVector.fromArray(F, x, x0 + k + 16);
            a0 = aH.fma(v, a0); c0 = cH.fma(v, c0);
            v = FloatVector.fromArray(F, x, x1 + k + 16);
            a1 = aH.fma(v, a1); c1 = cH.fma(v, c1);
            v = FloatVector.fromArray(F, x, x2 + k + 16);
            a2 = aH.fma(v, a2); c2 = cH.fma(v, c2);
            v = FloatVector.fromArray(F, x, x3 + k + 16);
            a3 = aH.fma(v, a3); c3 = cH.fma(v, c3);
            v = FloatVector.fromArray(F, x, x4 + k + 16);
            a4 = aH.fma(v, a4); c4 = cH.fma(v, c4);
            v = FloatVector.fromArray(F, x, x5 + k + 16);
            a5 = aH.fma(v, a5); c5 = cH.fma(v, c5);
            v = FloatVector.fromArray(F, x, x6 + k + 16);
            a6 = aH.fma(v, a6); c6 = cH.fma(v, c6);
            v = FloatVector.fromArray(F, x, x7 + k + 16);
            a7 = aH.fma(v, a7); c7 = cH.fma(v, c7);
        }
        a0.intoArray(lanes, 0); c0.intoArray(lanes, 16);
        a1.intoArray(lanes, 32); c1.intoArray(lanes, 48);
        a2.intoArray(lanes, 64); c2.intoArray(lanes, 80);
        a3.intoArray(lanes, 96); c3.intoArray(lanes, 112);
        a4.intoArray(lanes, 128); c4.intoArray(lanes, 144);
        a5.intoArray(lanes, 160); c5.intoArray(lanes, 176);
        a6.intoArray(lanes, 192); c6.intoArray(lanes, 208);
        a7.intoArray(lanes, 224); c7.intoArray(lanes, 240);
        out[o] = laneSum(lanes, 0); out[o + dr] = laneSum(lanes, 16);
        out[o + stride] = laneSum(lanes, 32); out[o + stride + dr] = laneSum(lanes, 48);
        out[o + 2 * stride] = laneSum(lanes, 64); out[o + 2 * stride + dr] = laneSum(lanes, 80);
        out[o + 3 * stride] = laneSum(lanes, 96); out[o + 3 * stride + dr] = laneSum(lanes, 112);
        out[o + 4 * stride] = laneSum(lanes, 128); out[o + 4 * stride + dr] = laneSum(lanes, 144);
        out[o + 5 * stride] = laneSum(lanes, 160); out[o + 5 * stride + dr] = laneSum(lanes, 176);
        out[o + 6 * stride] = laneSum(lanes, 192); out[o + 6 * stride + dr] = laneSum(lanes, 208);
        out[o + 7 * stride] = laneSum(lanes, 224); out[o + 7 * stride + dr] = laneSum(lanes, 240);
    }

    // ---- end of generated kernels ----

    /**
     * The lanes of one stored accumulator summed in {@link LaneSum}'s fixed order (upper half onto lower, then
     * 4, 2, 1), so that results do not depend on JIT warm-up. Over an array because calling {@code LaneSum.of}
     * from these large kernels is not inlined and boxes the vector (ProductTest measured the allocation).
     */
    private static float laneSum(float[] v, int o) {
        float t0 = v[o] + v[o + 8], t1 = v[o + 1] + v[o + 9], t2 = v[o + 2] + v[o + 10], t3 = v[o + 3] + v[o + 11];
        float t4 = v[o + 4] + v[o + 12], t5 = v[o + 5] + v[o + 13], t6 = v[o + 6] + v[o + 14], t7 = v[o + 7] + v[o + 15];
        return ((t0 + t4) + (t2 + t6)) + ((t1 + t5) + (t3 + t7));
    }
}
