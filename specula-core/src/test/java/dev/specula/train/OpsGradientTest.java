package dev.specula.train;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every backward pass against central finite differences of the scalar loss sum(y * r), r random.
 * Each check perturbs every input element, so shapes stay tiny.
 */
class OpsGradientTest {

    private final Random rnd = new Random(42);

    private float[] randn(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /** Compares analytic {@code grad} of sum(f(x) * r) in x against central differences. */
    private static void check(String name, float[] x, float[] grad, float[] r, Function<float[], float[]> f) {
        float eps = 1e-2f;
        for (int i = 0; i < x.length; i++) {
            float keep = x[i];
            x[i] = keep + eps;
            double up = dot(f.apply(x), r);
            x[i] = keep - eps;
            double down = dot(f.apply(x), r);
            x[i] = keep;
            double numeric = (up - down) / (2 * eps);
            double tol = 2e-2 * Math.max(1, Math.abs(numeric));
            assertEquals(numeric, grad[i], tol, name + "[" + i + "]");
        }
    }

    @Test
    void linear() {
        int rows = 3, in = 5, out = 4;
        float[] x = randn(rows * in), w = randn(out * in), r = randn(rows * out);
        float[] dx = new float[x.length], dw = new float[w.length];
        Ops.linearBackward(x, w, r, dx, dw, rows, in, out);
        Function<float[], float[]> y = unused -> { float[] o = new float[rows * out]; Ops.linear(x, w, o, rows, in, out); return o; };
        check("dx", x, dx, r, y);
        check("dw", w, dw, r, y);
    }

    @Test
    void embedding() {
        int vocab = 6, dim = 3;
        int[] ids = {1, 4, 1, 0};
        float[] table = randn(vocab * dim), r = randn(ids.length * dim), dt = new float[table.length];
        Ops.embedBackward(ids, r, dt, dim);
        check("dtable", table, dt, r, unused -> { float[] o = new float[ids.length * dim]; Ops.embed(ids, table, o, dim); return o; });
    }

    @Test
    void rmsNorm() {
        int rows = 3, dim = 6;
        float[] x = randn(rows * dim), g = randn(dim), r = randn(rows * dim);
        float[] dx = new float[x.length], dg = new float[dim];
        Ops.rmsNormBackward(x, g, r, dx, dg, rows, dim, 1e-5f);
        Function<float[], float[]> y = unused -> { float[] o = new float[rows * dim]; Ops.rmsNorm(x, g, o, rows, dim, 1e-5f); return o; };
        check("dx", x, dx, r, y);
        check("dg", g, dg, r, y);
    }

    @Test
    void swiglu() {
        int n = 10;
        float[] a = randn(n), b = randn(n), r = randn(n), da = new float[n], db = new float[n];
        Ops.swigluBackward(a, b, r, da, db);
        Function<float[], float[]> y = unused -> { float[] o = new float[n]; Ops.swiglu(a, b, o); return o; };
        check("da", a, da, r, y);
        check("db", b, db, r, y);
    }

    @Test
    void gelu() {
        int n = 10;
        float[] x = randn(n), r = randn(n), dx = new float[n];
        Ops.geluBackward(x, r, dx);
        check("dx", x, dx, r, unused -> { float[] o = new float[n]; Ops.gelu(x, o); return o; });
    }

    @Test
    void rope() {
        int rows = 3, heads = 2, hs = 4;
        float[] x = randn(rows * heads * hs), r = randn(x.length);
        float[] dx = r.clone(); // backward of a rotation is the inverse rotation
        Ops.rope(dx, rows, heads, hs, 5, 10000f, true);
        check("dx", x, dx, r, unused -> { float[] o = x.clone(); Ops.rope(o, rows, heads, hs, 5, 10000f, false); return o; });
    }

    @Test
    void causalAttentionWithGroupedQueryHeads() {
        int rows = 4, heads = 4, kvHeads = 2, hs = 3;
        float[] q = randn(rows * heads * hs), k = randn(rows * kvHeads * hs), v = randn(rows * kvHeads * hs), r = randn(rows * heads * hs);
        float[] p = new float[heads * rows * rows], o = new float[q.length];
        Ops.attention(q, k, v, p, o, rows, heads, kvHeads, hs);
        float[] dq = new float[q.length], dk = new float[k.length], dv = new float[v.length];
        Ops.attentionBackward(q, k, v, p, r, dq, dk, dv, rows, heads, kvHeads, hs);
        Function<float[], float[]> y = unused -> {
            float[] out = new float[q.length];
            Ops.attention(q, k, v, new float[p.length], out, rows, heads, kvHeads, hs);
            return out;
        };
        check("dq", q, dq, r, y);
        check("dk", k, dk, r, y);
        check("dv", v, dv, r, y);
    }

    @Test
    void crossEntropyOnMaskedRows() {
        int vocab = 5;
        int[] targets = {2, -1, 0};
        float[] logits = randn(targets.length * vocab), dl = new float[logits.length];
        Ops.crossEntropy(logits, targets, dl, vocab);
        float[] one = {1};
        check("dlogits", logits, dl, one, unused -> new float[] {Ops.crossEntropy(logits, targets, new float[logits.length], vocab)});
    }

    @Test
    void crossEntropyWithSoftTargets() {
        int vocab = 6, k = 3;
        int[] targets = {2, -1, 0, 4};
        // row 0 and 3 carry soft targets (row 3 uses two of its three slots), row 2 has none
        Trainer.Soft soft = new Trainer.Soft(k, new int[] {2, 5, 1, -1, -1, -1, -1, -1, -1, 4, 0, -1},
                new float[] {0.6f, 0.3f, 0.1f, 0, 0, 0, 0, 0, 0, 0.75f, 0.25f, 0}, 0.4f);
        float[] logits = randn(targets.length * vocab), dl = new float[logits.length];
        Ops.crossEntropy(logits, targets, soft, dl, vocab);
        float[] one = {1};
        check("dlogits", logits, dl, one, unused -> new float[] {Ops.crossEntropy(logits, targets, soft, new float[logits.length], vocab)});

        // a soft distribution that is all on the target is plain cross-entropy
        Trainer.Soft sharp = new Trainer.Soft(1, new int[] {2, -1, 0, 4}, new float[] {1, 0, 1, 1}, 0.4f);
        assertEquals(Ops.crossEntropy(logits, targets, new float[logits.length], vocab),
                Ops.crossEntropy(logits, targets, sharp, new float[logits.length], vocab), 1e-5);
    }
}
