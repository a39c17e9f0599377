package dev.specula.train;

/**
 * Forward and backward passes of the layers the trainer needs, over plain float arrays holding
 * rows of a batch of positions (row-major, {@code [rows][width]}). Every backward ADDS into its
 * gradient arrays, so a weight used in several places accumulates without extra copies.
 * Conventions match the engine's LlamaModel (weights {@code [out][in]}, llama.cpp's adjacent-pair
 * RoPE), so trained weights load into it unchanged.
 */
public final class Ops {

    private Ops() {}

    // ---- linear: y[t][o] = sum_i x[t][i] * w[o][i]

    public static void linear(float[] x, float[] w, float[] y, int rows, int in, int out) {
        for (int t = 0; t < rows; t++) {
            for (int o = 0; o < out; o++) {
                float s = 0;
                int wo = o * in, xt = t * in;
                for (int i = 0; i < in; i++) s += x[xt + i] * w[wo + i];
                y[t * out + o] = s;
            }
        }
    }

    public static void linearBackward(float[] x, float[] w, float[] dy, float[] dx, float[] dw, int rows, int in, int out) {
        for (int t = 0; t < rows; t++) {
            int xt = t * in;
            for (int o = 0; o < out; o++) {
                float g = dy[t * out + o];
                if (g == 0) continue;
                int wo = o * in;
                if (dx != null) for (int i = 0; i < in; i++) dx[xt + i] += g * w[wo + i];
                if (dw != null) for (int i = 0; i < in; i++) dw[wo + i] += g * x[xt + i];
            }
        }
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
            float r = invRms(x, t * dim, dim, eps);
            for (int i = 0; i < dim; i++) y[t * dim + i] = x[t * dim + i] * r * g[i];
        }
    }

    public static void rmsNormBackward(float[] x, float[] g, float[] dy, float[] dx, float[] dg, int rows, int dim, float eps) {
        for (int t = 0; t < rows; t++) {
            int b = t * dim;
            float r = invRms(x, b, dim, eps);
            float dot = 0; // sum_j dy_j g_j x_j
            for (int i = 0; i < dim; i++) dot += dy[b + i] * g[i] * x[b + i];
            float k = r * r * r * dot / dim;
            for (int i = 0; i < dim; i++) {
                dg[i] += dy[b + i] * x[b + i] * r;
                dx[b + i] += r * dy[b + i] * g[i] - k * x[b + i];
            }
        }
    }

    private static float invRms(float[] x, int b, int dim, float eps) {
        float ss = 0;
        for (int i = 0; i < dim; i++) ss += x[b + i] * x[b + i];
        return (float) (1.0 / Math.sqrt(ss / dim + eps));
    }

    // ---- SwiGLU: h = silu(a) * b

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

    public static void rope(float[] v, int rows, int heads, int headSize, int start, float base, boolean inverse) {
        int half = headSize / 2;
        for (int t = 0; t < rows; t++) {
            for (int j = 0; j < half; j++) {
                double angle = (start + t) * Math.pow(base, -2.0 * j / headSize);
                float cos = (float) Math.cos(angle), sin = (float) (inverse ? -Math.sin(angle) : Math.sin(angle));
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
                    float s = 0;
                    for (int i = 0; i < hs; i++) s += q[(t * heads + h) * hs + i] * k[(j * kvHeads + kh) * hs + i];
                    p[pr + j] = s * scale;
                    max = Math.max(max, p[pr + j]);
                }
                float sum = 0;
                for (int j = 0; j <= t; j++) sum += p[pr + j] = (float) Math.exp(p[pr + j] - max);
                for (int j = 0; j <= t; j++) {
                    p[pr + j] /= sum;
                    for (int i = 0; i < hs; i++) o[(t * heads + h) * hs + i] += p[pr + j] * v[(j * kvHeads + kh) * hs + i];
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
                    float s = 0;
                    int vj = (j * kvHeads + kh) * hs;
                    for (int i = 0; i < hs; i++) {
                        s += dO[ot + i] * v[vj + i];
                        dv[vj + i] += p[pr + j] * dO[ot + i];
                    }
                    dp[j] = s;
                    dot += p[pr + j] * s;
                }
                for (int j = 0; j <= t; j++) {
                    float ds = p[pr + j] * (dp[j] - dot) * scale;
                    int kj = (j * kvHeads + kh) * hs;
                    for (int i = 0; i < hs; i++) {
                        dq[ot + i] += ds * k[kj + i];
                        dk[kj + i] += ds * q[ot + i];
                    }
                }
            }
        }
    }

    // ---- cross-entropy over the rows whose target is >= 0; returns the mean loss, writes dlogits

    public static float crossEntropy(float[] logits, int[] targets, float[] dlogits, int vocab) {
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
            loss += Math.log(sum) + max - logits[b + targets[t]];
            for (int i = 0; i < vocab; i++) dlogits[b + i] = (float) (Math.exp(logits[b + i] - max) / sum / n);
            dlogits[b + targets[t]] -= 1f / n;
        }
        return (float) (loss / n);
    }
}
