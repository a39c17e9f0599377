package dev.specula.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Q8_0 products of up to {@value #MAX_BATCH} inputs straight from the blocks, on 512-bit vectors: two rows at a
 * time, each block widened to floats and scaled once for every input. No helper takes or returns a vector
 * (see {@link Q8_0}).
 */
final class Q8_0Rows {
    private Q8_0Rows() {}

    /** Larger batches go through {@link MatMul#tiled}, which decodes each weight tile once for all of them. */
    static final int MAX_BATCH = 8;
    /** These kernels need 16 float lanes; elsewhere the format's generic paths run. */
    static final boolean SUPPORTED = FloatVector.SPECIES_PREFERRED.length() == 16;
    private static final int BYTES = 34;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;

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
        int half = (rowEnd - rowStart) / 2;
        for (int r = rowStart; r < rowStart + half; r++) {
            inputs(data, r * rowBytes, (r + half) * rowBytes, half, blocks, cols, x, batch, out, r, outStride);
        }
        if (((rowEnd - rowStart) & 1) != 0) { // an odd last row pairs with itself
            long a = (rowEnd - 1) * rowBytes;
            inputs(data, a, a, 0, blocks, cols, x, batch, out, rowEnd - 1, outStride);
        }
    }

    /** Rows at byte offsets a and c = a + dr rows, for every group of up to {@value #MAX_BATCH} inputs. */
    private static void inputs(MemorySegment data, long a, long c, int dr, int blocks, int cols, float[] x, int batch,
                               float[] out, int r, int outStride) {
        for (int b = 0; b < batch; b += MAX_BATCH) {
            int x0 = b * cols, o = b * outStride + r;
            switch (Math.min(MAX_BATCH, batch - b)) {
                case 1 -> pair1(data, a, c, blocks, x, x0, out, o, dr, outStride);
                case 2 -> pair2(data, a, c, blocks, x, x0, x0 + cols, out, o, dr, outStride);
                case 3 -> pair3(data, a, c, blocks, x, x0, x0 + cols, x0 + 2 * cols, out, o, dr, outStride);
                case 4 -> pair4(data, a, c, blocks, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, out, o, dr, outStride);
                case 5 -> pair5(data, a, c, blocks, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, x0 + 4 * cols, out, o, dr, outStride);
                case 6 -> pair6(data, a, c, blocks, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, x0 + 4 * cols, x0 + 5 * cols, out, o, dr, outStride);
                case 7 -> pair7(data, a, c, blocks, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, x0 + 4 * cols, x0 + 5 * cols, x0 + 6 * cols, out, o, dr, outStride);
                default -> pair8(data, a, c, blocks, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, x0 + 4 * cols, x0 + 5 * cols, x0 + 6 * cols, x0 + 7 * cols, out, o, dr, outStride);
            }
        }
    }

    // Rows at byte offsets a and c (c = a when the row is alone, dr = 0), inputs at x0.., outputs out[o + j * stride]
    // and out[o + j * stride + dr]. A single input keeps separate accumulators for
    // the two halves of each block, so that consecutive fused multiply-adds do not wait on each other.
    // The loops count blocks in an int so that C2 can hoist the segment's bounds checks.

    private static void pair1(MemorySegment w, long a, long c, int blocks, float[] x, int x0,
                              float[] out, int o, int dr, int stride) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F);
        for (int i = 0; i < blocks; i++) {
            int k = i * 32;
            long pa = a + (long) i * BYTES, pc = c + (long) i * BYTES;
            float da = Float.float16ToFloat(w.get(Layouts.SHORT, pa));
            FloatVector aL = ((FloatVector) ByteVector.fromMemorySegment(B, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(da);
            FloatVector aH = ((FloatVector) ByteVector.fromMemorySegment(B, w, pa + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(da);
            float dc = Float.float16ToFloat(w.get(Layouts.SHORT, pc));
            FloatVector cL = ((FloatVector) ByteVector.fromMemorySegment(B, w, pc + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(dc);
            FloatVector cH = ((FloatVector) ByteVector.fromMemorySegment(B, w, pc + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(dc);
            FloatVector v = FloatVector.fromArray(F, x, x0 + k);
            a0 = aL.fma(v, a0); c0 = cL.fma(v, c0);
            v = FloatVector.fromArray(F, x, x0 + k + 16);
            a1 = aH.fma(v, a1); c1 = cH.fma(v, c1);
        }
        out[o] = a0.add(a1).reduceLanes(VectorOperators.ADD);
        out[o + dr] = c0.add(c1).reduceLanes(VectorOperators.ADD);
    }

    private static void pair2(MemorySegment w, long a, long c, int blocks, float[] x, int x0, int x1,
                              float[] out, int o, int dr, int stride) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F);
        for (int i = 0; i < blocks; i++) {
            int k = i * 32;
            long pa = a + (long) i * BYTES, pc = c + (long) i * BYTES;
            float da = Float.float16ToFloat(w.get(Layouts.SHORT, pa));
            FloatVector aL = ((FloatVector) ByteVector.fromMemorySegment(B, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(da);
            FloatVector aH = ((FloatVector) ByteVector.fromMemorySegment(B, w, pa + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(da);
            float dc = Float.float16ToFloat(w.get(Layouts.SHORT, pc));
            FloatVector cL = ((FloatVector) ByteVector.fromMemorySegment(B, w, pc + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(dc);
            FloatVector cH = ((FloatVector) ByteVector.fromMemorySegment(B, w, pc + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(dc);
            FloatVector v = FloatVector.fromArray(F, x, x0 + k);
            a0 = aL.fma(v, a0); c0 = cL.fma(v, c0);
            v = FloatVector.fromArray(F, x, x1 + k);
            a1 = aL.fma(v, a1); c1 = cL.fma(v, c1);
            v = FloatVector.fromArray(F, x, x0 + k + 16);
            a0 = aH.fma(v, a0); c0 = cH.fma(v, c0);
            v = FloatVector.fromArray(F, x, x1 + k + 16);
            a1 = aH.fma(v, a1); c1 = cH.fma(v, c1);
        }
        out[o] = a0.reduceLanes(VectorOperators.ADD);
        out[o + dr] = c0.reduceLanes(VectorOperators.ADD);
        out[o + stride] = a1.reduceLanes(VectorOperators.ADD);
        out[o + stride + dr] = c1.reduceLanes(VectorOperators.ADD);
    }

    private static void pair3(MemorySegment w, long a, long c, int blocks, float[] x, int x0, int x1, int x2,
                              float[] out, int o, int dr, int stride) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F);
        for (int i = 0; i < blocks; i++) {
            int k = i * 32;
            long pa = a + (long) i * BYTES, pc = c + (long) i * BYTES;
            float da = Float.float16ToFloat(w.get(Layouts.SHORT, pa));
            FloatVector aL = ((FloatVector) ByteVector.fromMemorySegment(B, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(da);
            FloatVector aH = ((FloatVector) ByteVector.fromMemorySegment(B, w, pa + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(da);
            float dc = Float.float16ToFloat(w.get(Layouts.SHORT, pc));
            FloatVector cL = ((FloatVector) ByteVector.fromMemorySegment(B, w, pc + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(dc);
            FloatVector cH = ((FloatVector) ByteVector.fromMemorySegment(B, w, pc + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(dc);
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
        out[o] = a0.reduceLanes(VectorOperators.ADD);
        out[o + dr] = c0.reduceLanes(VectorOperators.ADD);
        out[o + stride] = a1.reduceLanes(VectorOperators.ADD);
        out[o + stride + dr] = c1.reduceLanes(VectorOperators.ADD);
        out[o + 2 * stride] = a2.reduceLanes(VectorOperators.ADD);
        out[o + 2 * stride + dr] = c2.reduceLanes(VectorOperators.ADD);
    }

    private static void pair4(MemorySegment w, long a, long c, int blocks, float[] x, int x0, int x1, int x2, int x3,
                              float[] out, int o, int dr, int stride) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F);
        for (int i = 0; i < blocks; i++) {
            int k = i * 32;
            long pa = a + (long) i * BYTES, pc = c + (long) i * BYTES;
            float da = Float.float16ToFloat(w.get(Layouts.SHORT, pa));
            FloatVector aL = ((FloatVector) ByteVector.fromMemorySegment(B, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(da);
            FloatVector aH = ((FloatVector) ByteVector.fromMemorySegment(B, w, pa + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(da);
            float dc = Float.float16ToFloat(w.get(Layouts.SHORT, pc));
            FloatVector cL = ((FloatVector) ByteVector.fromMemorySegment(B, w, pc + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(dc);
            FloatVector cH = ((FloatVector) ByteVector.fromMemorySegment(B, w, pc + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(dc);
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
        out[o] = a0.reduceLanes(VectorOperators.ADD);
        out[o + dr] = c0.reduceLanes(VectorOperators.ADD);
        out[o + stride] = a1.reduceLanes(VectorOperators.ADD);
        out[o + stride + dr] = c1.reduceLanes(VectorOperators.ADD);
        out[o + 2 * stride] = a2.reduceLanes(VectorOperators.ADD);
        out[o + 2 * stride + dr] = c2.reduceLanes(VectorOperators.ADD);
        out[o + 3 * stride] = a3.reduceLanes(VectorOperators.ADD);
        out[o + 3 * stride + dr] = c3.reduceLanes(VectorOperators.ADD);
    }

    private static void pair5(MemorySegment w, long a, long c, int blocks, float[] x, int x0, int x1, int x2, int x3, int x4,
                              float[] out, int o, int dr, int stride) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F), a4 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F), c4 = FloatVector.zero(F);
        for (int i = 0; i < blocks; i++) {
            int k = i * 32;
            long pa = a + (long) i * BYTES, pc = c + (long) i * BYTES;
            float da = Float.float16ToFloat(w.get(Layouts.SHORT, pa));
            FloatVector aL = ((FloatVector) ByteVector.fromMemorySegment(B, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(da);
            FloatVector aH = ((FloatVector) ByteVector.fromMemorySegment(B, w, pa + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(da);
            float dc = Float.float16ToFloat(w.get(Layouts.SHORT, pc));
            FloatVector cL = ((FloatVector) ByteVector.fromMemorySegment(B, w, pc + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(dc);
            FloatVector cH = ((FloatVector) ByteVector.fromMemorySegment(B, w, pc + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(dc);
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
        out[o] = a0.reduceLanes(VectorOperators.ADD);
        out[o + dr] = c0.reduceLanes(VectorOperators.ADD);
        out[o + stride] = a1.reduceLanes(VectorOperators.ADD);
        out[o + stride + dr] = c1.reduceLanes(VectorOperators.ADD);
        out[o + 2 * stride] = a2.reduceLanes(VectorOperators.ADD);
        out[o + 2 * stride + dr] = c2.reduceLanes(VectorOperators.ADD);
        out[o + 3 * stride] = a3.reduceLanes(VectorOperators.ADD);
        out[o + 3 * stride + dr] = c3.reduceLanes(VectorOperators.ADD);
        out[o + 4 * stride] = a4.reduceLanes(VectorOperators.ADD);
        out[o + 4 * stride + dr] = c4.reduceLanes(VectorOperators.ADD);
    }

    private static void pair6(MemorySegment w, long a, long c, int blocks, float[] x, int x0, int x1, int x2, int x3, int x4, int x5,
                              float[] out, int o, int dr, int stride) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F), a4 = FloatVector.zero(F), a5 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F), c4 = FloatVector.zero(F), c5 = FloatVector.zero(F);
        for (int i = 0; i < blocks; i++) {
            int k = i * 32;
            long pa = a + (long) i * BYTES, pc = c + (long) i * BYTES;
            float da = Float.float16ToFloat(w.get(Layouts.SHORT, pa));
            FloatVector aL = ((FloatVector) ByteVector.fromMemorySegment(B, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(da);
            FloatVector aH = ((FloatVector) ByteVector.fromMemorySegment(B, w, pa + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(da);
            float dc = Float.float16ToFloat(w.get(Layouts.SHORT, pc));
            FloatVector cL = ((FloatVector) ByteVector.fromMemorySegment(B, w, pc + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(dc);
            FloatVector cH = ((FloatVector) ByteVector.fromMemorySegment(B, w, pc + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(dc);
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
        out[o] = a0.reduceLanes(VectorOperators.ADD);
        out[o + dr] = c0.reduceLanes(VectorOperators.ADD);
        out[o + stride] = a1.reduceLanes(VectorOperators.ADD);
        out[o + stride + dr] = c1.reduceLanes(VectorOperators.ADD);
        out[o + 2 * stride] = a2.reduceLanes(VectorOperators.ADD);
        out[o + 2 * stride + dr] = c2.reduceLanes(VectorOperators.ADD);
        out[o + 3 * stride] = a3.reduceLanes(VectorOperators.ADD);
        out[o + 3 * stride + dr] = c3.reduceLanes(VectorOperators.ADD);
        out[o + 4 * stride] = a4.reduceLanes(VectorOperators.ADD);
        out[o + 4 * stride + dr] = c4.reduceLanes(VectorOperators.ADD);
        out[o + 5 * stride] = a5.reduceLanes(VectorOperators.ADD);
        out[o + 5 * stride + dr] = c5.reduceLanes(VectorOperators.ADD);
    }

    private static void pair7(MemorySegment w, long a, long c, int blocks, float[] x, int x0, int x1, int x2, int x3, int x4, int x5, int x6,
                              float[] out, int o, int dr, int stride) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F), a4 = FloatVector.zero(F), a5 = FloatVector.zero(F), a6 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F), c4 = FloatVector.zero(F), c5 = FloatVector.zero(F), c6 = FloatVector.zero(F);
        for (int i = 0; i < blocks; i++) {
            int k = i * 32;
            long pa = a + (long) i * BYTES, pc = c + (long) i * BYTES;
            float da = Float.float16ToFloat(w.get(Layouts.SHORT, pa));
            FloatVector aL = ((FloatVector) ByteVector.fromMemorySegment(B, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(da);
            FloatVector aH = ((FloatVector) ByteVector.fromMemorySegment(B, w, pa + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(da);
            float dc = Float.float16ToFloat(w.get(Layouts.SHORT, pc));
            FloatVector cL = ((FloatVector) ByteVector.fromMemorySegment(B, w, pc + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(dc);
            FloatVector cH = ((FloatVector) ByteVector.fromMemorySegment(B, w, pc + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(dc);
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
        out[o] = a0.reduceLanes(VectorOperators.ADD);
        out[o + dr] = c0.reduceLanes(VectorOperators.ADD);
        out[o + stride] = a1.reduceLanes(VectorOperators.ADD);
        out[o + stride + dr] = c1.reduceLanes(VectorOperators.ADD);
        out[o + 2 * stride] = a2.reduceLanes(VectorOperators.ADD);
        out[o + 2 * stride + dr] = c2.reduceLanes(VectorOperators.ADD);
        out[o + 3 * stride] = a3.reduceLanes(VectorOperators.ADD);
        out[o + 3 * stride + dr] = c3.reduceLanes(VectorOperators.ADD);
        out[o + 4 * stride] = a4.reduceLanes(VectorOperators.ADD);
        out[o + 4 * stride + dr] = c4.reduceLanes(VectorOperators.ADD);
        out[o + 5 * stride] = a5.reduceLanes(VectorOperators.ADD);
        out[o + 5 * stride + dr] = c5.reduceLanes(VectorOperators.ADD);
        out[o + 6 * stride] = a6.reduceLanes(VectorOperators.ADD);
        out[o + 6 * stride + dr] = c6.reduceLanes(VectorOperators.ADD);
    }

    private static void pair8(MemorySegment w, long a, long c, int blocks, float[] x, int x0, int x1, int x2, int x3, int x4, int x5, int x6, int x7,
                              float[] out, int o, int dr, int stride) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F), a4 = FloatVector.zero(F), a5 = FloatVector.zero(F), a6 = FloatVector.zero(F), a7 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F), c4 = FloatVector.zero(F), c5 = FloatVector.zero(F), c6 = FloatVector.zero(F), c7 = FloatVector.zero(F);
        for (int i = 0; i < blocks; i++) {
            int k = i * 32;
            long pa = a + (long) i * BYTES, pc = c + (long) i * BYTES;
            float da = Float.float16ToFloat(w.get(Layouts.SHORT, pa));
            FloatVector aL = ((FloatVector) ByteVector.fromMemorySegment(B, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(da);
            FloatVector aH = ((FloatVector) ByteVector.fromMemorySegment(B, w, pa + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(da);
            float dc = Float.float16ToFloat(w.get(Layouts.SHORT, pc));
            FloatVector cL = ((FloatVector) ByteVector.fromMemorySegment(B, w, pc + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(dc);
            FloatVector cH = ((FloatVector) ByteVector.fromMemorySegment(B, w, pc + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0)).mul(dc);
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
        out[o] = a0.reduceLanes(VectorOperators.ADD);
        out[o + dr] = c0.reduceLanes(VectorOperators.ADD);
        out[o + stride] = a1.reduceLanes(VectorOperators.ADD);
        out[o + stride + dr] = c1.reduceLanes(VectorOperators.ADD);
        out[o + 2 * stride] = a2.reduceLanes(VectorOperators.ADD);
        out[o + 2 * stride + dr] = c2.reduceLanes(VectorOperators.ADD);
        out[o + 3 * stride] = a3.reduceLanes(VectorOperators.ADD);
        out[o + 3 * stride + dr] = c3.reduceLanes(VectorOperators.ADD);
        out[o + 4 * stride] = a4.reduceLanes(VectorOperators.ADD);
        out[o + 4 * stride + dr] = c4.reduceLanes(VectorOperators.ADD);
        out[o + 5 * stride] = a5.reduceLanes(VectorOperators.ADD);
        out[o + 5 * stride + dr] = c5.reduceLanes(VectorOperators.ADD);
        out[o + 6 * stride] = a6.reduceLanes(VectorOperators.ADD);
        out[o + 6 * stride + dr] = c6.reduceLanes(VectorOperators.ADD);
        out[o + 7 * stride] = a7.reduceLanes(VectorOperators.ADD);
        out[o + 7 * stride + dr] = c7.reduceLanes(VectorOperators.ADD);
    }
}
