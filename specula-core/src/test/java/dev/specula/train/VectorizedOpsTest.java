package dev.specula.train;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The vectorized kernels of {@link Ops} against plain scalar loops kept here, on sizes that are
 * not multiples of the vector length or of the 4-row blocks, so every tail path runs.
 */
class VectorizedOpsTest {

    private final Random rnd = new Random(7);

    private float[] randn(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    private static final int[][] SIZES = { // {rows, in, out}
            {5, 37, 19}, {1, 1, 1}, {3, 16, 5}, {4, 64, 4}, {7, 65, 9}, {9, 130, 33}, {8, 100, 70}, {13, 257, 6}, {2, 3, 130}};

    /** Each element within a few float roundings of a sum over n terms of size |x||w|. */
    private static void assertClose(float[] expected, float[] actual, float[] magnitude, String what) {
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-5 * magnitude[i] + 1e-6;
            assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
        }
    }

    @Test
    void linearEqualsScalarReference() {
        for (int[] s : SIZES) {
            int rows = s[0], in = s[1], out = s[2];
            float[] x = randn(rows * in), w = randn(out * in), y = randn(rows * out); // y's old values must be overwritten
            Ops.linear(x, w, y, rows, in, out);
            float[] ref = new float[rows * out], mag = new float[rows * out];
            for (int t = 0; t < rows; t++) {
                for (int o = 0; o < out; o++) {
                    double sum = 0, abs = 0;
                    for (int i = 0; i < in; i++) {
                        sum += (double) x[t * in + i] * w[o * in + i];
                        abs += Math.abs((double) x[t * in + i] * w[o * in + i]);
                    }
                    ref[t * out + o] = (float) sum;
                    mag[t * out + o] = (float) abs;
                }
            }
            assertClose(ref, y, mag, "y " + java.util.Arrays.toString(s));
        }
    }

    @Test
    void linearBackwardAddsScalarReference() {
        for (int[] s : SIZES) {
            int rows = s[0], in = s[1], out = s[2];
            float[] x = randn(rows * in), w = randn(out * in), dy = randn(rows * out);
            float[] dx0 = randn(rows * in), dw0 = randn(out * in); // backward adds onto what is there
            float[] dx = dx0.clone(), dw = dw0.clone();
            Ops.linearBackward(x, w, dy, dx, dw, rows, in, out);
            float[] refDx = new float[dx.length], magDx = new float[dx.length], refDw = new float[dw.length], magDw = new float[dw.length];
            for (int t = 0; t < rows; t++) {
                for (int i = 0; i < in; i++) {
                    double sum = dx0[t * in + i], abs = Math.abs(dx0[t * in + i]);
                    for (int o = 0; o < out; o++) {
                        sum += (double) dy[t * out + o] * w[o * in + i];
                        abs += Math.abs((double) dy[t * out + o] * w[o * in + i]);
                    }
                    refDx[t * in + i] = (float) sum;
                    magDx[t * in + i] = (float) abs;
                }
            }
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    double sum = dw0[o * in + i], abs = Math.abs(dw0[o * in + i]);
                    for (int t = 0; t < rows; t++) {
                        sum += (double) dy[t * out + o] * x[t * in + i];
                        abs += Math.abs((double) dy[t * out + o] * x[t * in + i]);
                    }
                    refDw[o * in + i] = (float) sum;
                    magDw[o * in + i] = (float) abs;
                }
            }
            assertClose(refDx, dx, magDx, "dx " + java.util.Arrays.toString(s));
            assertClose(refDw, dw, magDw, "dw " + java.util.Arrays.toString(s));

            // either gradient may be skipped
            float[] onlyDw = dw0.clone();
            Ops.linearBackward(x, w, dy, null, onlyDw, rows, in, out);
            assertClose(refDw, onlyDw, magDw, "dw alone " + java.util.Arrays.toString(s));
            float[] onlyDx = dx0.clone();
            Ops.linearBackward(x, w, dy, onlyDx, null, rows, in, out);
            assertClose(refDx, onlyDx, magDx, "dx alone " + java.util.Arrays.toString(s));
        }
    }

    @Test
    void elementwiseOpsEqualScalarFormulas() {
        for (int n : new int[] {1, 15, 16, 17, 50}) {
            float[] a = randn(n), b = randn(n), dh = randn(n);
            a[0] = -90f; // exp overflow must still give silu(a) = 0, not NaN
            float[] h = new float[n], da = randn(n), db = randn(n), da0 = da.clone(), db0 = db.clone();
            Ops.swiglu(a, b, h);
            Ops.swigluBackward(a, b, dh, da, db);
            float[] y = new float[n], dx = randn(n), dx0 = dx.clone();
            Ops.gelu(a, y);
            Ops.geluBackward(a, dh, dx);
            for (int i = 0; i < n; i++) {
                double s = 1 / (1 + Math.exp(-a[i]));
                assertEquals(a[i] * s * b[i], h[i], 1e-5 * (1 + Math.abs(a[i] * b[i])), "swiglu " + i);
                assertEquals(db0[i] + dh[i] * a[i] * s, db[i], 1e-5 * (1 + Math.abs(db0[i]) + Math.abs(dh[i] * a[i])), "db " + i);
                assertEquals(da0[i] + dh[i] * b[i] * s * (1 + a[i] * (1 - s)), da[i], 1e-5 * (1 + Math.abs(da0[i]) + Math.abs(dh[i] * b[i] * a[i])), "da " + i);
                double v = a[i], th = Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v));
                assertEquals(0.5 * v * (1 + th), y[i], 1e-5 * (1 + Math.abs(v)), "gelu " + i);
                double dgelu = 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * Math.sqrt(2 / Math.PI) * (1 + 3 * 0.044715 * v * v);
                assertEquals(dx0[i] + dh[i] * dgelu, dx[i], 1e-5 * (1 + Math.abs(dx0[i]) + Math.abs(dh[i] * dgelu)), "dgelu " + i);
            }
        }
    }

    @Test
    void rmsNormEqualsScalarFormula() {
        for (int dim : new int[] {1, 7, 16, 37}) {
            int rows = 3;
            float[] x = randn(rows * dim), g = randn(dim), y = new float[rows * dim];
            Ops.rmsNorm(x, g, y, rows, dim, 1e-5f);
            for (int t = 0; t < rows; t++) {
                double ss = 0;
                for (int i = 0; i < dim; i++) ss += (double) x[t * dim + i] * x[t * dim + i];
                double r = 1 / Math.sqrt(ss / dim + 1e-5);
                for (int i = 0; i < dim; i++) assertEquals(x[t * dim + i] * r * g[i], y[t * dim + i], 1e-5 * (1 + Math.abs(x[t * dim + i] * r * g[i])));
            }
        }
    }

    @Test
    void adamWStepsEqualScalarFormula() {
        var params = new java.util.LinkedHashMap<String, float[]>();
        var grads = new java.util.LinkedHashMap<String, float[]>();
        params.put("w", randn(37));
        grads.put("w", randn(37));
        params.put("ffn_norm.weight", randn(19)); // a norm gain: no weight decay
        grads.put("ffn_norm.weight", randn(19));
        float lr = 1e-2f, wd = 0.1f, gradScale = 0.5f;
        AdamW opt = new AdamW(lr, wd, 1e9f, 1, 10); // warm-up of 1 step: the first step runs at the peak rate
        var m = new java.util.HashMap<String, double[]>();
        var v = new java.util.HashMap<String, double[]>();
        for (int step = 1; step <= 3; step++) {
            var expected = new java.util.HashMap<String, double[]>();
            double rate = opt.learningRate(step - 1);
            for (String n : params.keySet()) {
                float[] p = params.get(n), g = grads.get(n);
                double[] mm = m.computeIfAbsent(n, k -> new double[p.length]), vv = v.computeIfAbsent(n, k -> new double[p.length]);
                double[] e = new double[p.length];
                for (int i = 0; i < p.length; i++) {
                    double gi = g[i] * gradScale;
                    mm[i] = 0.9 * mm[i] + 0.1 * gi;
                    vv[i] = 0.95 * vv[i] + 0.05 * gi * gi;
                    double upd = mm[i] / (1 - Math.pow(0.9, step)) / (Math.sqrt(vv[i] / (1 - Math.pow(0.95, step))) + 1e-8);
                    e[i] = p[i] - rate * (upd + (n.equals("w") ? wd * p[i] : 0));
                }
                expected.put(n, e);
            }
            opt.step(params, grads, gradScale);
            for (String n : params.keySet()) {
                for (int i = 0; i < params.get(n).length; i++) assertEquals(expected.get(n)[i], params.get(n)[i], 1e-5, n + "[" + i + "] step " + step);
            }
            for (float[] g : grads.values()) for (int i = 0; i < g.length; i++) g[i] = (float) rnd.nextGaussian();
        }
    }
}
