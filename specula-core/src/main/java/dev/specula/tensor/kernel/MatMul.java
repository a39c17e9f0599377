package dev.specula.tensor.kernel;

import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.format.Q8_0;
import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Lanes;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * The batched product of a block-format matrix with a few to many float inputs, for any format that can
 * dequantize. Each thread dequantizes a tile of {@value #R} rows x {@value #CHUNK} columns into an
 * L1-sized buffer once, then runs a register-tiled float kernel over it for every group of up to 4
 * inputs: each loaded weight vector feeds 4 inputs and each loaded input vector feeds 4 rows.
 * Accumulators live in registers within a chunk and in a small per-thread buffer between chunks; each
 * kernel loads and stores its own, since no helper may take or return a vector (see {@link Q8_0}).
 */
public final class MatMul {
    private MatMul() {}

    static final int R = 4;
    /** Columns per tile: 4 rows x 1024 floats = 16 KB, beside 4 inputs' 16 KB, fits a 48 KB L1. A multiple of 256. */
    static final int CHUNK = 1024;
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final int L = S.length();
    /**
     * Floats per accumulator: 16 logical lanes, column k in lane k % 16, whatever the vector width, so that a
     * result does not depend on it ({@link Lanes}); each kernel runs once per part of L lanes.
     */
    private static final int G = Lanes.LOGICAL;
    private static final int TILE = R * 4 * G;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        final float[] w = new float[R * CHUNK];
        float[] acc = new float[TILE];

        float[] acc(int tiles) {
            if (acc.length < tiles * TILE) acc = new float[tiles * TILE];
            return acc;
        }
    }

    /**
     * {@code out[b * outStride + r] = row r · x[b * cols ..]} for rows {@code [rowStart, rowEnd)} and
     * {@code b < batch}. {@code cols} must be a multiple of the format's block size and of 32.
     */
    public static void tiled(TensorFormat format, MemorySegment data, int cols, int rowStart, int rowEnd,
                      float[] x, int batch, float[] out, int outStride) {
        Scratch scratch = SCRATCH.get();
        float[] w = scratch.w;
        int tiles = (batch + 3) / 4;
        float[] acc = scratch.acc(tiles);
        for (int r0 = rowStart; r0 < rowEnd; r0 += R) {
            int rows = Math.min(R, rowEnd - r0);
            for (int c0 = 0; c0 < cols; c0 += CHUNK) {
                int len = Math.min(CHUNK, cols - c0);
                for (int i = 0; i < rows; i++) {
                    format.dequantize(data, (long) (r0 + i) * cols + c0, w, i * CHUNK, len);
                }
                if (c0 == 0) java.util.Arrays.fill(acc, 0, tiles * TILE, 0f);
                for (int t = 0, b = 0; b < batch; t++, b += 4) {
                    int xo = b * cols + c0;
                    int n = Math.min(4, batch - b);
                    int a = t * TILE;
                    for (int p = 0; p < G; p += L) {
                        if (n >= 3) {
                            // three inputs run as four, the third twice: its accumulators (slot 3) are never read
                            tile4(w, len, x, xo, xo + cols, xo + 2 * cols, xo + (n - 1) * cols, acc, a, p);
                        } else if (n == 2) {
                            tile2(w, len, x, xo, cols, acc, a, p);
                        } else {
                            tile1(w, len, x, xo, acc, a, p);
                        }
                    }
                }
            }
            for (int t = 0, b = 0; b < batch; t++, b += 4) {
                for (int j = 0; j < Math.min(4, batch - b); j++) {
                    for (int i = 0; i < rows; i++) {
                        out[(b + j) * outStride + r0 + i] = LaneSum.of16(acc, t * TILE + (i * 4 + j) * G);
                    }
                }
            }
        }
    }

    /** 4 rows x the 4 inputs at {@code x0..x3}; accumulator (row i, input j) at {@code acc[a + (i * 4 + j) * G]}, lanes p.. of it. */
    private static void tile4(float[] w, int len, float[] x, int x0, int x1, int x2, int x3, float[] acc, int a, int p) {
        a += p;
        FloatVector a00 = FloatVector.fromArray(S, acc, a), a01 = FloatVector.fromArray(S, acc, a + G);
        FloatVector a02 = FloatVector.fromArray(S, acc, a + 2 * G), a03 = FloatVector.fromArray(S, acc, a + 3 * G);
        FloatVector a10 = FloatVector.fromArray(S, acc, a + 4 * G), a11 = FloatVector.fromArray(S, acc, a + 5 * G);
        FloatVector a12 = FloatVector.fromArray(S, acc, a + 6 * G), a13 = FloatVector.fromArray(S, acc, a + 7 * G);
        FloatVector a20 = FloatVector.fromArray(S, acc, a + 8 * G), a21 = FloatVector.fromArray(S, acc, a + 9 * G);
        FloatVector a22 = FloatVector.fromArray(S, acc, a + 10 * G), a23 = FloatVector.fromArray(S, acc, a + 11 * G);
        FloatVector a30 = FloatVector.fromArray(S, acc, a + 12 * G), a31 = FloatVector.fromArray(S, acc, a + 13 * G);
        FloatVector a32 = FloatVector.fromArray(S, acc, a + 14 * G), a33 = FloatVector.fromArray(S, acc, a + 15 * G);
        for (int k = p; k < len; k += G) {
            FloatVector w0 = FloatVector.fromArray(S, w, k);
            FloatVector w1 = FloatVector.fromArray(S, w, CHUNK + k);
            FloatVector w2 = FloatVector.fromArray(S, w, 2 * CHUNK + k);
            FloatVector w3 = FloatVector.fromArray(S, w, 3 * CHUNK + k);
            FloatVector v = FloatVector.fromArray(S, x, x0 + k);
            a00 = w0.fma(v, a00); a10 = w1.fma(v, a10); a20 = w2.fma(v, a20); a30 = w3.fma(v, a30);
            v = FloatVector.fromArray(S, x, x1 + k);
            a01 = w0.fma(v, a01); a11 = w1.fma(v, a11); a21 = w2.fma(v, a21); a31 = w3.fma(v, a31);
            v = FloatVector.fromArray(S, x, x2 + k);
            a02 = w0.fma(v, a02); a12 = w1.fma(v, a12); a22 = w2.fma(v, a22); a32 = w3.fma(v, a32);
            v = FloatVector.fromArray(S, x, x3 + k);
            a03 = w0.fma(v, a03); a13 = w1.fma(v, a13); a23 = w2.fma(v, a23); a33 = w3.fma(v, a33);
        }
        a00.intoArray(acc, a); a01.intoArray(acc, a + G); a02.intoArray(acc, a + 2 * G); a03.intoArray(acc, a + 3 * G);
        a10.intoArray(acc, a + 4 * G); a11.intoArray(acc, a + 5 * G); a12.intoArray(acc, a + 6 * G); a13.intoArray(acc, a + 7 * G);
        a20.intoArray(acc, a + 8 * G); a21.intoArray(acc, a + 9 * G); a22.intoArray(acc, a + 10 * G); a23.intoArray(acc, a + 11 * G);
        a30.intoArray(acc, a + 12 * G); a31.intoArray(acc, a + 13 * G); a32.intoArray(acc, a + 14 * G); a33.intoArray(acc, a + 15 * G);
    }

    /** 4 rows x the 2 inputs at {@code xo} and {@code xo + cols}, accumulators for inputs 0 and 1 of the tile. */
    private static void tile2(float[] w, int len, float[] x, int xo, int cols, float[] acc, int a, int p) {
        a += p;
        FloatVector a00 = FloatVector.fromArray(S, acc, a), a01 = FloatVector.fromArray(S, acc, a + G);
        FloatVector a10 = FloatVector.fromArray(S, acc, a + 4 * G), a11 = FloatVector.fromArray(S, acc, a + 5 * G);
        FloatVector a20 = FloatVector.fromArray(S, acc, a + 8 * G), a21 = FloatVector.fromArray(S, acc, a + 9 * G);
        FloatVector a30 = FloatVector.fromArray(S, acc, a + 12 * G), a31 = FloatVector.fromArray(S, acc, a + 13 * G);
        int x1 = xo + cols;
        for (int k = p; k < len; k += G) {
            FloatVector w0 = FloatVector.fromArray(S, w, k);
            FloatVector w1 = FloatVector.fromArray(S, w, CHUNK + k);
            FloatVector w2 = FloatVector.fromArray(S, w, 2 * CHUNK + k);
            FloatVector w3 = FloatVector.fromArray(S, w, 3 * CHUNK + k);
            FloatVector v = FloatVector.fromArray(S, x, xo + k);
            a00 = w0.fma(v, a00); a10 = w1.fma(v, a10); a20 = w2.fma(v, a20); a30 = w3.fma(v, a30);
            v = FloatVector.fromArray(S, x, x1 + k);
            a01 = w0.fma(v, a01); a11 = w1.fma(v, a11); a21 = w2.fma(v, a21); a31 = w3.fma(v, a31);
        }
        a00.intoArray(acc, a); a01.intoArray(acc, a + G);
        a10.intoArray(acc, a + 4 * G); a11.intoArray(acc, a + 5 * G);
        a20.intoArray(acc, a + 8 * G); a21.intoArray(acc, a + 9 * G);
        a30.intoArray(acc, a + 12 * G); a31.intoArray(acc, a + 13 * G);
    }

    /**
     * 4 rows x the input at {@code xo}; accumulators at {@code a + i * 4 * G}. Two accumulators per row over
     * alternate vectors: with one, 4 chains of dependent fused multiply-adds left the FMA units idle.
     */
    private static void tile1(float[] w, int len, float[] x, int xo, float[] acc, int a, int p) {
        a += p;
        FloatVector a0 = FloatVector.fromArray(S, acc, a), a1 = FloatVector.fromArray(S, acc, a + 4 * G);
        FloatVector a2 = FloatVector.fromArray(S, acc, a + 8 * G), a3 = FloatVector.fromArray(S, acc, a + 12 * G);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S), b3 = FloatVector.zero(S);
        int k = p;
        for (; k + G < len; k += 2 * G) {
            FloatVector v = FloatVector.fromArray(S, x, xo + k);
            a0 = FloatVector.fromArray(S, w, k).fma(v, a0);
            a1 = FloatVector.fromArray(S, w, CHUNK + k).fma(v, a1);
            a2 = FloatVector.fromArray(S, w, 2 * CHUNK + k).fma(v, a2);
            a3 = FloatVector.fromArray(S, w, 3 * CHUNK + k).fma(v, a3);
            FloatVector u = FloatVector.fromArray(S, x, xo + k + G);
            b0 = FloatVector.fromArray(S, w, k + G).fma(u, b0);
            b1 = FloatVector.fromArray(S, w, CHUNK + k + G).fma(u, b1);
            b2 = FloatVector.fromArray(S, w, 2 * CHUNK + k + G).fma(u, b2);
            b3 = FloatVector.fromArray(S, w, 3 * CHUNK + k + G).fma(u, b3);
        }
        if (k < len) {
            FloatVector v = FloatVector.fromArray(S, x, xo + k);
            a0 = FloatVector.fromArray(S, w, k).fma(v, a0);
            a1 = FloatVector.fromArray(S, w, CHUNK + k).fma(v, a1);
            a2 = FloatVector.fromArray(S, w, 2 * CHUNK + k).fma(v, a2);
            a3 = FloatVector.fromArray(S, w, 3 * CHUNK + k).fma(v, a3);
        }
        a0.add(b0).intoArray(acc, a); a1.add(b1).intoArray(acc, a + 4 * G);
        a2.add(b2).intoArray(acc, a + 8 * G); a3.add(b3).intoArray(acc, a + 12 * G);
    }
}
