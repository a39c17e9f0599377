package dev.specula.vision;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The element-wise and per-row operations of the vision tower, each matching ggml's CPU arithmetic. */
final class VisionOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VisionOps() {}

    /**
     * ggml_norm followed by the affine weight and bias, row by row: mean and variance accumulated in
     * double like ggml (the squares as float products), then {@code (x - mean) * (1 / sqrt(var + eps)) * w + b}
     * in float, each step rounded as ggml's separate ops round it.
     */
    static void layerNorm(float[] x, int rows, int width, float[] w, float[] b, float eps, float[] out) {
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            double sum = 0;
            for (int i = 0; i < width; i++) sum += x[o + i];
            float mean = (float) (sum / width);
            double sum2 = 0;
            for (int i = 0; i < width; i++) {
                float v = x[o + i] - mean;
                out[o + i] = v;
                sum2 += v * v; // a float product, widened: (ggml_float)(v*v)
            }
            float scale = 1f / (float) Math.sqrt((float) (sum2 / width) + eps); // 1.0f/sqrtf(variance + eps)
            for (int i = 0; i < width; i++) {
                out[o + i] = out[o + i] * scale * w[i] + b[i];
            }
        }
    }

    /** {@code x[r * width + i] += bias[i]} for every row. */
    static void addBias(float[] x, int rows, float[] bias) {
        int width = bias.length;
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            for (int i = 0; i < width; i++) x[o + i] += bias[i];
        }
    }

    static void add(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) x[i] += y[i];
    }

    static void activate(ClipConfig.Activation kind, float[] x, int n) {
        switch (kind) {
            case GELU -> gelu(x, n);
            case QUICK_GELU -> { for (int i = 0; i < n; i++) x[i] = Tables.QUICK_GELU[Float.floatToFloat16(x[i]) & 0xffff]; }
            case SILU -> { for (int i = 0; i < n; i++) x[i] = x[i] / (1f + (float) Math.exp(-x[i])); }
        }
    }

    /**
     * ggml_gelu (tanh form) as the CPU backend computes it: through an F16 lookup table, with the
     * tails |x| >= 10 passed through exactly.
     */
    static void gelu(float[] x, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            x[i] = v <= -10f ? 0f : v >= 10f ? v : Tables.GELU[Float.floatToFloat16(v) & 0xffff];
        }
    }

    static float geluExact(float x) {
        final float sqrt2OverPi = 0.79788456080286535587989211986876f;
        return 0.5f * x * (1f + (float) Math.tanh(sqrt2OverPi * x * (1f + 0.044715f * x * x)));
    }

    static float quickGeluExact(float x) {
        return x * (1f / (1f + (float) Math.exp(-1.702f * x)));
    }

    /** ggml's GGML_GELU_FP16 tables: the activation of every half value, rounded to half. */
    private static final class Tables {
        static final float[] GELU = table(false);
        static final float[] QUICK_GELU = table(true);

        private static float[] table(boolean quick) {
            float[] t = new float[1 << 16];
            for (int h = 0; h < t.length; h++) {
                float x = Float.float16ToFloat((short) h);
                float y = quick ? quickGeluExact(x) : geluExact(x);
                t[h] = Float.float16ToFloat(Float.floatToFloat16(y));
            }
            return t;
        }
    }

    /**
     * {@code scores[j] = (q · key j) * scale} for {@code n} keys stored transposed: component e of key j
     * at {@code keysT[base + e * n + j]}. Vectors run over keys, so no lane is ever reduced.
     */
    static void scores(float[] q, int qo, float[] keysT, int base, int hs, int n, float scale, float[] scores) {
        int j = 0;
        for (int upper = S.loopBound(n); j < upper; j += S.length()) {
            FloatVector acc = FloatVector.zero(S);
            for (int e = 0; e < hs; e++) {
                acc = FloatVector.fromArray(S, keysT, base + e * n + j).fma(FloatVector.broadcast(S, q[qo + e]), acc);
            }
            acc.mul(scale).intoArray(scores, j);
        }
        for (; j < n; j++) {
            float sum = 0f; // rounded as a vector lane rounds, so that a key's score does not depend on the width
            for (int e = 0; e < hs; e++) sum = Math.fma(keysT[base + e * n + j], q[qo + e], sum);
            scores[j] = sum * scale;
        }
    }

    /** In-place softmax of {@code x[0..n)}, the exponentials summed in double as ggml does. */
    static void softmax(float[] x, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[i]);
        // scalar exp: the vector EXP is a different function once compiled (SVML) than before, and with
        // inputs rounded to F16 downstream a last-bit difference must not depend on JIT warm-up
        for (int j = 0; j < n; j++) x[j] = (float) Math.exp(x[j] - max);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += x[i];
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) x[i] *= inv;
    }

    /** {@code y[yo..yo+n) += alpha * x[xo..xo+n)}. */
    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector a = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector.fromArray(S, x, xo + i).fma(a, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] = Math.fma(x[xo + i], alpha, y[yo + i]); // as the vector lanes round
    }
}
