package dev.specula.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The trainer's float-array kernels on the machine's widest vectors. Training need not give the
 * same bits on every machine (unlike the inference kernels), so sums run in whatever lane order
 * suits the vector width. The two matrix kernels are register-blocked so each loaded vector feeds
 * several fused multiply-adds; scalar tails cover widths that are not a multiple of the vector.
 */
final class VecMath {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VecMath() {}

    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

    /**
     * The lanes of {@code v} added in lane order. {@code reduceLanes(ADD)} leaves the order to the
     * implementation, and the interpreter's and C2's orders differ, so a run's last bits depended on when the
     * JIT compiled it (a resumed training run then missed an uninterrupted one by an ulp).
     */
    static float sum(FloatVector v) {
        float[] lanes = LANES.get();
        v.intoArray(lanes, 0);
        float s = 0;
        for (int i = 0; i < L; i++) s += lanes[i];
        return s;
    }

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int i = 0;
        for (int upper = n - 2 * L; i <= upper; i += 2 * L) {
            acc0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc0);
            acc1 = FloatVector.fromArray(S, a, ao + i + L).fma(FloatVector.fromArray(S, b, bo + i + L), acc1);
        }
        if (i <= n - L) {
            acc0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc0);
            i += L;
        }
        float s = sum(acc0.add(acc1));
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    /** {@code y[yo..yo+n) += alpha * x[xo..xo+n)} */
    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector a = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(S, x, xo + i).fma(a, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    /** {@code y[0..n) += x[0..n)} */
    static void add(float[] x, float[] y, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(S, y, i).add(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        for (; i < n; i++) y[i] += x[i];
    }

    /**
     * {@code y[t][o] = dot(x[t], w[o])}, x {@code [rows][in]}, w {@code [out][in]}. Blocks of 4 rows
     * by 4 weight rows share their loads: 8 vector loads feed 16 fused multiply-adds, and each weight
     * row is read once per 4 rows. (Measured at in 384, out 1024, T 80 on AVX-512: 4x4 ~80 GFLOP/s,
     * 4x2 ~62; the 16 lane reductions per block are what keeps it below the backward kernel.)
     */
    static void matmulRowsByRows(float[] x, float[] w, float[] y, int rows, int in, int out) {
        int o = 0;
        // weight rows outermost: the 4 stay in L1 while all of x streams from L2
        for (; o + 4 <= out; o += 4) {
            int t = 0;
            for (; t + 4 <= rows; t += 4) dot4x4(x, t * in, w, o * in, in, y, t * out + o, out);
            for (; t < rows; t++) {
                for (int oo = o; oo < o + 4; oo++) y[t * out + oo] = dot(x, t * in, w, oo * in, in);
            }
        }
        for (; o < out; o++) {
            for (int t = 0; t < rows; t++) y[t * out + o] = dot(x, t * in, w, o * in, in);
        }
    }

    private static void dot4x4(float[] x, int xo, float[] w, int wo, int n, float[] y, int yo, int ys) {
        FloatVector z = FloatVector.zero(S);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
        int x0 = xo, x1 = xo + n, x2 = xo + 2 * n, x3 = xo + 3 * n, w0 = wo, w1 = wo + n, w2 = wo + 2 * n, w3 = wo + 3 * n;
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector v0 = FloatVector.fromArray(S, w, w0 + i), v1 = FloatVector.fromArray(S, w, w1 + i);
            FloatVector v2 = FloatVector.fromArray(S, w, w2 + i), v3 = FloatVector.fromArray(S, w, w3 + i);
            FloatVector u = FloatVector.fromArray(S, x, x0 + i);
            a00 = u.fma(v0, a00);
            a01 = u.fma(v1, a01);
            a02 = u.fma(v2, a02);
            a03 = u.fma(v3, a03);
            u = FloatVector.fromArray(S, x, x1 + i);
            a10 = u.fma(v0, a10);
            a11 = u.fma(v1, a11);
            a12 = u.fma(v2, a12);
            a13 = u.fma(v3, a13);
            u = FloatVector.fromArray(S, x, x2 + i);
            a20 = u.fma(v0, a20);
            a21 = u.fma(v1, a21);
            a22 = u.fma(v2, a22);
            a23 = u.fma(v3, a23);
            u = FloatVector.fromArray(S, x, x3 + i);
            a30 = u.fma(v0, a30);
            a31 = u.fma(v1, a31);
            a32 = u.fma(v2, a32);
            a33 = u.fma(v3, a33);
        }
        y[yo] = sum(a00) + dotTail(x, x0, w, w0, i, n);
        y[yo + 1] = sum(a01) + dotTail(x, x0, w, w1, i, n);
        y[yo + 2] = sum(a02) + dotTail(x, x0, w, w2, i, n);
        y[yo + 3] = sum(a03) + dotTail(x, x0, w, w3, i, n);
        yo += ys;
        y[yo] = sum(a10) + dotTail(x, x1, w, w0, i, n);
        y[yo + 1] = sum(a11) + dotTail(x, x1, w, w1, i, n);
        y[yo + 2] = sum(a12) + dotTail(x, x1, w, w2, i, n);
        y[yo + 3] = sum(a13) + dotTail(x, x1, w, w3, i, n);
        yo += ys;
        y[yo] = sum(a20) + dotTail(x, x2, w, w0, i, n);
        y[yo + 1] = sum(a21) + dotTail(x, x2, w, w1, i, n);
        y[yo + 2] = sum(a22) + dotTail(x, x2, w, w2, i, n);
        y[yo + 3] = sum(a23) + dotTail(x, x2, w, w3, i, n);
        yo += ys;
        y[yo] = sum(a30) + dotTail(x, x3, w, w0, i, n);
        y[yo + 1] = sum(a31) + dotTail(x, x3, w, w1, i, n);
        y[yo + 2] = sum(a32) + dotTail(x, x3, w, w2, i, n);
        y[yo + 3] = sum(a33) + dotTail(x, x3, w, w3, i, n);
    }

    /** The scalar rest [from, n) of a dot product whose vector part stopped at from. */
    private static float dotTail(float[] a, int ao, float[] b, int bo, int from, int n) {
        float s = 0;
        for (int i = from; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    /**
     * {@code c[r][j] += sum_k a[r * ar + k * ak] * m[k][j]} for r in [0, rRows), k in [0, kRows),
     * j in [0, n); c and m rows are n wide. With (ar, ak) = (out, 1) it is a linear layer's dx += dy·W,
     * with (1, out) its dW += dyᵀ·x. Blocks of 4 output rows by 4 vectors keep 16 accumulators in
     * registers over the whole k loop: 4 loads and 4 broadcasts feed 16 fused multiply-adds, and c is
     * read and written once.
     */
    static void accumulateProducts(float[] a, int ar, int ak, float[] m, float[] c, int rRows, int kRows, int n) {
        int j = 0;
        // column slabs outermost: m's slab (kRows x 4 vectors) stays in cache over all row blocks
        for (; j + 4 * L <= n; j += 4 * L) {
            int r = 0;
            for (; r + 4 <= rRows; r += 4) block4x4(a, ar, ak, r, m, c, kRows, n, j);
            for (; r < rRows; r++) {
                for (int jj = j; jj < j + 4 * L; jj += L) block1x1(a, ar, ak, r, m, c, kRows, n, jj);
            }
        }
        for (; j + L <= n; j += L) {
            int r = 0;
            for (; r + 4 <= rRows; r += 4) block4x1(a, ar, ak, r, m, c, kRows, n, j);
            for (; r < rRows; r++) block1x1(a, ar, ak, r, m, c, kRows, n, j);
        }
        if (j < n) {
            for (int r = 0; r < rRows; r++) tail(a, ar, ak, r, m, c, kRows, n, j);
        }
    }

    private static void block4x4(float[] a, int ar, int ak, int r, float[] m, float[] c, int kRows, int n, int j) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        int a0 = r * ar, a1 = a0 + ar, a2 = a1 + ar, a3 = a2 + ar;
        for (int k = 0; k < kRows; k++) {
            int mk = k * n + j, ka = k * ak;
            FloatVector m0 = FloatVector.fromArray(S, m, mk), m1 = FloatVector.fromArray(S, m, mk + L);
            FloatVector m2 = FloatVector.fromArray(S, m, mk + 2 * L), m3 = FloatVector.fromArray(S, m, mk + 3 * L);
            FloatVector b = FloatVector.broadcast(S, a[a0 + ka]);
            c00 = m0.fma(b, c00);
            c01 = m1.fma(b, c01);
            c02 = m2.fma(b, c02);
            c03 = m3.fma(b, c03);
            b = FloatVector.broadcast(S, a[a1 + ka]);
            c10 = m0.fma(b, c10);
            c11 = m1.fma(b, c11);
            c12 = m2.fma(b, c12);
            c13 = m3.fma(b, c13);
            b = FloatVector.broadcast(S, a[a2 + ka]);
            c20 = m0.fma(b, c20);
            c21 = m1.fma(b, c21);
            c22 = m2.fma(b, c22);
            c23 = m3.fma(b, c23);
            b = FloatVector.broadcast(S, a[a3 + ka]);
            c30 = m0.fma(b, c30);
            c31 = m1.fma(b, c31);
            c32 = m2.fma(b, c32);
            c33 = m3.fma(b, c33);
        }
        // written out rather than through a helper: a vector passed to a call C2 does not inline
        // gets boxed, and the boxing spreads into the loop above (measured: 240 bytes per k)
        int o = r * n + j;
        c00.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        c01.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        c02.add(FloatVector.fromArray(S, c, o + 2 * L)).intoArray(c, o + 2 * L);
        c03.add(FloatVector.fromArray(S, c, o + 3 * L)).intoArray(c, o + 3 * L);
        o += n;
        c10.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        c11.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        c12.add(FloatVector.fromArray(S, c, o + 2 * L)).intoArray(c, o + 2 * L);
        c13.add(FloatVector.fromArray(S, c, o + 3 * L)).intoArray(c, o + 3 * L);
        o += n;
        c20.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        c21.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        c22.add(FloatVector.fromArray(S, c, o + 2 * L)).intoArray(c, o + 2 * L);
        c23.add(FloatVector.fromArray(S, c, o + 3 * L)).intoArray(c, o + 3 * L);
        o += n;
        c30.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        c31.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        c32.add(FloatVector.fromArray(S, c, o + 2 * L)).intoArray(c, o + 2 * L);
        c33.add(FloatVector.fromArray(S, c, o + 3 * L)).intoArray(c, o + 3 * L);
    }

    private static void block4x1(float[] a, int ar, int ak, int r, float[] m, float[] c, int kRows, int n, int j) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        int a0 = r * ar, a1 = a0 + ar, a2 = a1 + ar, a3 = a2 + ar;
        for (int k = 0; k < kRows; k++) {
            int ka = k * ak;
            FloatVector v = FloatVector.fromArray(S, m, k * n + j);
            c0 = v.fma(FloatVector.broadcast(S, a[a0 + ka]), c0);
            c1 = v.fma(FloatVector.broadcast(S, a[a1 + ka]), c1);
            c2 = v.fma(FloatVector.broadcast(S, a[a2 + ka]), c2);
            c3 = v.fma(FloatVector.broadcast(S, a[a3 + ka]), c3);
        }
        FloatVector.fromArray(S, c, r * n + j).add(c0).intoArray(c, r * n + j);
        FloatVector.fromArray(S, c, (r + 1) * n + j).add(c1).intoArray(c, (r + 1) * n + j);
        FloatVector.fromArray(S, c, (r + 2) * n + j).add(c2).intoArray(c, (r + 2) * n + j);
        FloatVector.fromArray(S, c, (r + 3) * n + j).add(c3).intoArray(c, (r + 3) * n + j);
    }

    private static void block1x1(float[] a, int ar, int ak, int r, float[] m, float[] c, int kRows, int n, int j) {
        FloatVector c0 = FloatVector.zero(S);
        for (int k = 0; k < kRows; k++) c0 = FloatVector.fromArray(S, m, k * n + j).fma(FloatVector.broadcast(S, a[r * ar + k * ak]), c0);
        FloatVector.fromArray(S, c, r * n + j).add(c0).intoArray(c, r * n + j);
    }

    /** Columns [j, n) of row r, fewer than a vector. */
    private static void tail(float[] a, int ar, int ak, int r, float[] m, float[] c, int kRows, int n, int j) {
        for (int jj = j; jj < n; jj++) {
            float s = 0;
            for (int k = 0; k < kRows; k++) s += a[r * ar + k * ak] * m[k * n + jj];
            c[r * n + jj] += s;
        }
    }
}
