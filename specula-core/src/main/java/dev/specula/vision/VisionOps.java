package dev.specula.vision;

import dev.specula.tensor.infra.LaneSum;

/** The element-wise and per-row operations of the vision tower, each matching ggml's CPU arithmetic. */
final class VisionOps {
    private VisionOps() {}

    /**
     * ggml_norm followed by the affine weight and bias (ggml_mul, ggml_add), row by row, rounded as ggml's CPU
     * ops round: the mean is a double sum rounded to float, then divided in float; the variance is
     * ggml_vec_cvar_f32's, whose AVX-512 loop squares 16 centred values at a time, adds each group in
     * {@code _mm512_reduce_add_ps}'s order ({@link LaneSum#of16}) and accumulates the groups in double (a
     * tail of fewer than 16 values in double one by one); then {@code (x - mean) * (1 / sqrt(var + eps)) * w + b}.
     */
    static void layerNorm(float[] x, int rows, int width, float[] w, float[] b, float eps, float[] out) {
        float[] squares = new float[16];
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            double sum = 0;
            for (int i = 0; i < width; i++) sum += x[o + i];
            float mean = (float) sum / width;
            double sum2 = 0;
            int i = 0;
            for (; i + 16 <= width; i += 16) {
                for (int l = 0; l < 16; l++) {
                    float v = x[o + i + l] - mean;
                    out[o + i + l] = v;
                    squares[l] = v * v;
                }
                sum2 += LaneSum.of16(squares, 0);
            }
            for (; i < width; i++) {
                float v = x[o + i] - mean;
                out[o + i] = v;
                sum2 += v * v;
            }
            float scale = 1f / (float) Math.sqrt((float) (sum2 / width) + eps); // 1.0f/sqrtf(variance + eps)
            for (int j = 0; j < width; j++) {
                out[o + j] = out[o + j] * scale * w[j] + b[j];
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

    /** ggml_gelu_f32, whose {@code 1 + 0.044715·x·x} GCC contracts to one fma (one table entry differs without it). */
    static float geluExact(float x) {
        final float sqrt2OverPi = 0.79788456080286535587989211986876f;
        return 0.5f * x * (1f + (float) Math.tanh(sqrt2OverPi * x * Math.fma(0.044715f * x, x, 1f)));
    }

    static float quickGeluExact(float x) {
        return x * (1f / (1f + (float) Math.exp(-1.702f * x))); // expf, as ggml_gelu_quick_f32 calls it
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
}
