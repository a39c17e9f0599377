package dev.specula.tensor.infra;

/**
 * ggml's {@code ggml_v_expf} (AVX-512 form, after ARM's optimized routines), one lane at a time: exp(x) = 2^n · p(b)
 * with n = round(x / ln 2) and a degree-5 polynomial p, every step a float fma as there. ggml uses it wherever it
 * takes exponentials 16 at a time (SiLU, SwiGLU, softmax sums), and it differs from the correctly rounded exp in
 * the last bit often enough to matter once results are rounded to F16 or 8 bits downstream.
 */
public final class GgmlExp {
    private GgmlExp() {}

    public static float of(float x) {
        final float shift = 0x1.8p23f;
        float n = Math.fma(x, 0x1.715476p+0f, shift) - shift;
        float b = Math.fma(-n, 0x1.7f7d1cp-20f, Math.fma(-n, 0x1.62e4p-1f, x));
        if (Math.abs(n) > 192f) return n <= 0f ? 0f : Float.POSITIVE_INFINITY;
        float u = b * b;
        float j = Math.fma(Math.fma(Math.fma(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u, Math.fma(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)),
                u, Math.fma(0x1.ffffecp-1f, b, 1.0f));
        return Math.scalb(j, (int) n);
    }
}
