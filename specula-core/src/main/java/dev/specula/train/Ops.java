package dev.specula.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Forward and backward passes of the layers the trainer needs, over plain float arrays holding
 * rows of a batch of positions (row-major, {@code [rows][width]}). Every backward ADDS into its
 * gradient arrays, so a weight used in several places accumulates without extra copies.
 * Conventions match the engine's LlamaModel (weights {@code [out][in]}, llama.cpp's adjacent-pair
 * RoPE), so trained weights load into it unchanged.
 */
public final class Ops {

    private static final VectorSpecies<Float> S = VecMath.S;
    private static final int L = S.length();

    private Ops() {}

    // ---- linear: y[t][o] = sum_i x[t][i] * w[o][i]

    public static void linear(float[] x, float[] w, float[] y, int rows, int in, int out) {
        VecMath.matmulRowsByRows(x, w, y, rows, in, out);
    }

    /** dx += dy·W and dw += dyᵀ·x; either may be null to skip it. */
    public static void linearBackward(float[] x, float[] w, float[] dy, float[] dx, float[] dw, int rows, int in, int out) {
        if (dx != null) VecMath.accumulateProducts(dy, out, 1, w, dx, rows, out, in);
        if (dw != null) VecMath.accumulateProducts(dy, 1, out, x, dw, out, rows, in);
    }

    // ---- embedding: rows of the table picked by token id

    public static void embed(int[] ids, float[] table, float[] y, int dim) {
        for (int t = 0; t < ids.length; t++) System.arraycopy(table, ids[t] * dim, y, t * dim, dim);
    }

    public static void embedBackward(int[] ids, float[] dy, float[] dtable, int dim) {
        for (int t = 0; t < ids.length; t++) {
            for (int i = 0; i < dim; i++) dtable[ids[t] * dim + i] += dy[t * dim + i];
        }
    }

    // ---- RMSNorm: y = x / sqrt(mean(x^2) + eps) * g

    public static void rmsNorm(float[] x, float[] g, float[] y, int rows, int dim, float eps) {
        for (int t = 0; t < rows; t++) {
            int b = t * dim;
            float r = invRms(x, b, dim, eps);
            int i = 0;
            for (int upper = S.loopBound(dim); i < upper; i += L) {
                FloatVector.fromArray(S, x, b + i).mul(r).mul(FloatVector.fromArray(S, g, i)).intoArray(y, b + i);
            }
            for (; i < dim; i++) y[b + i] = x[b + i] * r * g[i];
        }
    }

    public static void rmsNormBackward(float[] x, float[] g, float[] dy, float[] dx, float[] dg, int rows, int dim, float eps) {
        for (int t = 0; t < rows; t++) {
            int b = t * dim;
            float r = invRms(x, b, dim, eps);
            FloatVector acc = FloatVector.zero(S);
            int i = 0;
            for (int upper = S.loopBound(dim); i < upper; i += L) {
                acc = FloatVector.fromArray(S, dy, b + i).mul(FloatVector.fromArray(S, g, i)).fma(FloatVector.fromArray(S, x, b + i), acc);
            }
            float dot = VecMath.sum(acc); // sum_j dy_j g_j x_j
            for (; i < dim; i++) dot += dy[b + i] * g[i] * x[b + i];
            float k = r * r * r * dot / dim;
            i = 0;
            for (int upper = S.loopBound(dim); i < upper; i += L) {
                FloatVector vdy = FloatVector.fromArray(S, dy, b + i), vx = FloatVector.fromArray(S, x, b + i);
                vdy.mul(vx).mul(r).add(FloatVector.fromArray(S, dg, i)).intoArray(dg, i);
                vdy.mul(r).fma(FloatVector.fromArray(S, g, i), FloatVector.fromArray(S, dx, b + i)).sub(vx.mul(k)).intoArray(dx, b + i);
            }
            for (; i < dim; i++) {
                dg[i] += dy[b + i] * x[b + i] * r;
                dx[b + i] += r * dy[b + i] * g[i] - k * x[b + i];
            }
        }
    }

    private static float invRms(float[] x, int b, int dim, float eps) {
        float ss = VecMath.dot(x, b, x, b, dim);
        return (float) (1.0 / Math.sqrt(ss / dim + eps));
    }

    // ---- SwiGLU: h = silu(a) * b. SwiGLU and GELU stay scalar: the Vector API's EXP and TANH give other last
    // bits compiled than interpreted, and a training run must not depend on when the JIT got to it.

    public static void swiglu(float[] a, float[] b, float[] h) {
        for (int i = 0; i < h.length; i++) h[i] = silu(a[i]) * b[i];
    }

    public static void swigluBackward(float[] a, float[] b, float[] dh, float[] da, float[] db) {
        for (int i = 0; i < dh.length; i++) {
            float s = sigmoid(a[i]);
            db[i] += dh[i] * a[i] * s;
            da[i] += dh[i] * b[i] * s * (1 + a[i] * (1 - s));
        }
    }

    static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    static float silu(float x) {
        return x * sigmoid(x);
    }

    // ---- GELU (tanh form, as ggml's gelu and LLaVA's mlp2x_gelu projector)

    private static final float GELU_C = (float) Math.sqrt(2 / Math.PI);

    public static void gelu(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            float u = GELU_C * (x[i] + 0.044715f * x[i] * x[i] * x[i]);
            y[i] = 0.5f * x[i] * (1 + (float) Math.tanh(u));
        }
    }

    public static void geluBackward(float[] x, float[] dy, float[] dx) {
        for (int i = 0; i < x.length; i++) {
            float v = x[i];
            float u = GELU_C * (v + 0.044715f * v * v * v);
            float th = (float) Math.tanh(u);
            float du = GELU_C * (1 + 3 * 0.044715f * v * v);
            dx[i] += dy[i] * (0.5f * (1 + th) + 0.5f * v * (1 - th * th) * du);
        }
    }

    // ---- RoPE, in place: rotate adjacent pairs of every head at position start + t

    /** Cosines and sines per (position, pair), shared by all calls with one head size and base. */
    private record RopeTable(int headSize, float base, int positions, float[] cos, float[] sin) {
        static RopeTable of(int headSize, float base, int positions) {
            int half = headSize / 2;
            float[] cos = new float[positions * half], sin = new float[positions * half];
            for (int p = 0; p < positions; p++) {
                for (int j = 0; j < half; j++) {
                    double angle = p * Math.pow(base, -2.0 * j / headSize);
                    cos[p * half + j] = (float) Math.cos(angle);
                    sin[p * half + j] = (float) Math.sin(angle);
                }
            }
            return new RopeTable(headSize, base, positions, cos, sin);
        }
    }

    // immutable, so worker threads may race to replace it without harm
    private static volatile RopeTable ropeTable;

    private static RopeTable ropeTable(int headSize, float base, int positions) {
        RopeTable t = ropeTable;
        if (t != null && t.headSize() == headSize && t.base() == base && t.positions() >= positions) return t;
        boolean grow = t != null && t.headSize() == headSize && t.base() == base;
        t = RopeTable.of(headSize, base, Math.max(positions, grow ? 2 * t.positions() : 256));
        ropeTable = t;
        return t;
    }

    public static void rope(float[] v, int rows, int heads, int headSize, int start, float base, boolean inverse) {
        int half = headSize / 2;
        RopeTable table = ropeTable(headSize, base, start + rows);
        for (int t = 0; t < rows; t++) {
            int c = (start + t) * half;
            for (int j = 0; j < half; j++) {
                float cos = table.cos()[c + j], sin = inverse ? -table.sin()[c + j] : table.sin()[c + j];
                for (int h = 0; h < heads; h++) {
                    int p = (t * heads + h) * headSize + 2 * j;
                    float x0 = v[p], x1 = v[p + 1];
                    v[p] = x0 * cos - x1 * sin;
                    v[p + 1] = x0 * sin + x1 * cos;
                }
            }
        }
    }

    // ---- causal attention with grouped-query heads: q [T][H][hs], k, v [T][KV][hs], p [H][T][T]

    public static void attention(float[] q, float[] k, float[] v, float[] p, float[] o, int rows, int heads, int kvHeads, int hs) {
        float scale = (float) (1 / Math.sqrt(hs));
        int group = heads / kvHeads;
        java.util.Arrays.fill(o, 0, rows * heads * hs, 0);
        for (int h = 0; h < heads; h++) {
            int kh = h / group;
            for (int t = 0; t < rows; t++) {
                int pr = (h * rows + t) * rows;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j <= t; j++) {
                    p[pr + j] = VecMath.dot(q, (t * heads + h) * hs, k, (j * kvHeads + kh) * hs, hs) * scale;
                    max = Math.max(max, p[pr + j]);
                }
                float sum = 0;
                for (int j = 0; j <= t; j++) sum += p[pr + j] = (float) Math.exp(p[pr + j] - max);
                for (int j = 0; j <= t; j++) {
                    p[pr + j] /= sum;
                    VecMath.axpy(p[pr + j], v, (j * kvHeads + kh) * hs, o, (t * heads + h) * hs, hs);
                }
                for (int j = t + 1; j < rows; j++) p[pr + j] = 0;
            }
        }
    }

    public static void attentionBackward(float[] q, float[] k, float[] v, float[] p, float[] dO,
                                         float[] dq, float[] dk, float[] dv, int rows, int heads, int kvHeads, int hs) {
        float scale = (float) (1 / Math.sqrt(hs));
        int group = heads / kvHeads;
        float[] dp = new float[rows];
        for (int h = 0; h < heads; h++) {
            int kh = h / group;
            for (int t = 0; t < rows; t++) {
                int pr = (h * rows + t) * rows, ot = (t * heads + h) * hs;
                float dot = 0;
                for (int j = 0; j <= t; j++) {
                    int vj = (j * kvHeads + kh) * hs;
                    float s = VecMath.dot(dO, ot, v, vj, hs);
                    VecMath.axpy(p[pr + j], dO, ot, dv, vj, hs);
                    dp[j] = s;
                    dot += p[pr + j] * s;
                }
                for (int j = 0; j <= t; j++) {
                    float ds = p[pr + j] * (dp[j] - dot) * scale;
                    int kj = (j * kvHeads + kh) * hs;
                    VecMath.axpy(ds, k, kj, dq, ot, hs);
                    VecMath.axpy(ds, q, ot, dk, kj, hs);
                }
            }
        }
    }

    // ---- cross-entropy over the rows whose target is >= 0; returns the mean loss, writes dlogits

    public static float crossEntropy(float[] logits, int[] targets, float[] dlogits, int vocab) {
        return crossEntropy(logits, targets, null, dlogits, vocab);
    }

    /** As above; where {@code soft} has ids for a row, the target is its mix of one-hot and soft probabilities. */
    public static float crossEntropy(float[] logits, int[] targets, Trainer.Soft soft, float[] dlogits, int vocab) {
        int n = 0;
        for (int tg : targets) if (tg >= 0) n++;
        if (n == 0) return 0;
        double loss = 0;
        for (int t = 0; t < targets.length; t++) {
            int b = t * vocab;
            if (targets[t] < 0) {
                java.util.Arrays.fill(dlogits, b, b + vocab, 0);
                continue;
            }
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < vocab; i++) max = Math.max(max, logits[b + i]);
            double sum = 0;
            for (int i = 0; i < vocab; i++) sum += Math.exp(logits[b + i] - max);
            double logSum = Math.log(sum) + max;
            for (int i = 0; i < vocab; i++) dlogits[b + i] = (float) (Math.exp(logits[b + i] - max) / sum / n);
            float hard = soft == null || soft.ids()[t * soft.k()] < 0 ? 1f : 1f - soft.weight();
            loss += hard * (logSum - logits[b + targets[t]]);
            dlogits[b + targets[t]] -= hard / n;
            if (hard < 1f) {
                for (int j = t * soft.k(); j < (t + 1) * soft.k() && soft.ids()[j] >= 0; j++) {
                    float w = soft.weight() * soft.probs()[j];
                    loss += w * (logSum - logits[b + soft.ids()[j]]);
                    dlogits[b + soft.ids()[j]] -= w / n;
                }
            }
        }
        return (float) (loss / n);
    }
}
