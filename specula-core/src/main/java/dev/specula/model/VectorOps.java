package dev.specula.model;

import dev.specula.tensor.infra.GgmlExp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The float-array arithmetic of the forward pass, on the widest vectors the machine has. */
final class VectorOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED.length() > 16 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;

    private VectorOps() {}

    /** {@code y[0..n) += x[0..n)} */
    static void add(float[] x, float[] y, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector.fromArray(S, y, i).add(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        for (; i < n; i++) y[i] += x[i];
    }

    /** RMSNorm of one row: {@code out = x / sqrt(mean(x²) + eps) * weight}; the sum of squares runs in double as ggml's does. */
    static void rmsNorm(float[] x, int xOffset, float[] weight, float eps, float[] out, int outOffset) {
        int n = weight.length;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOffset + i];
            sum += v * v;
        }
        float inv = 1f / (float) Math.sqrt((float) (sum / n) + eps); // 1.0f/sqrtf(mean + eps), as ggml
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector.fromArray(S, x, xOffset + i).mul(inv).mul(FloatVector.fromArray(S, weight, i)).intoArray(out, outOffset + i);
        }
        for (; i < n; i++) out[outOffset + i] = x[xOffset + i] * inv * weight[i];
    }

    /**
     * SwiGLU in place over {@code rows} rows of {@code width}: {@code gate = silu(gate) * up}, as ggml's
     * {@code ggml_vec_swiglu_f32} computes it on AVX-512: 16 values at a time with its polynomial exp
     * ({@link GgmlExp}), the rest of a row with the scalar exp.
     */
    static void swiglu(float[] gate, float[] up, int rows, int width) {
        int vectorised = width & ~15;
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            for (int i = o; i < o + vectorised; i++) {
                float g = gate[i];
                gate[i] = g / (1f + GgmlExp.of(0f - g)) * up[i];
            }
            for (int i = o + vectorised; i < o + width; i++) {
                float g = gate[i];
                gate[i] = g / (1f + (float) Math.exp(-g)) * up[i]; // ggml_silu_f32 calls the C library's expf
            }
        }
    }

    static float half(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    /** 65520, the least float magnitude that rounds to an infinite half: lanes from here on (and NaN) take {@link #half}. */
    private static final int HALF_OVERFLOW = 0x477ff000;
    /** 2^-14, the least normal half: below it halves are multiples of 2^-24. */
    private static final int HALF_NORMAL = 0x38800000;

    /** {@code dst[do..+n) = half(src[so..+n))}. */
    static void roundToHalf(float[] src, int so, float[] dst, int dOffset, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, src, so + i);
            if (!storeHalf(x, dst, dOffset + i)) {
                for (int j = i; j < i + S.length(); j++) dst[dOffset + j] = half(src[so + j]);
            }
        }
        for (; i < n; i++) dst[dOffset + i] = half(src[so + i]);
    }

    /** {@code acc[ao..+n) = half(acc * s)}: ggml's F16 accumulator rescaled. */
    static void halfScale(float[] acc, int ao, int n, float s) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, acc, ao + i).mul(s);
            if (!storeHalf(x, acc, ao + i)) {
                for (int j = ao + i; j < ao + i + S.length(); j++) acc[j] = half(acc[j] * s);
            }
        }
        for (; i < n; i++) acc[ao + i] = half(acc[ao + i] * s);
    }

    /** {@code acc[ao..+n) = half(fma(v[vo..], s, acc))}: ggml's {@code ggml_vec_mad_f16} into an F16 accumulator. */
    static void halfFma(float[] v, int vo, float s, float[] acc, int ao, int n) {
        int i = 0;
        FloatVector sv = FloatVector.broadcast(S, s);
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, v, vo + i).fma(sv, FloatVector.fromArray(S, acc, ao + i));
            if (!storeHalf(x, acc, ao + i)) {
                for (int j = 0; j < S.length(); j++) acc[ao + i + j] = half(Math.fma(v[vo + i + j], s, acc[ao + i + j]));
            }
        }
        for (; i < n; i++) acc[ao + i] = half(Math.fma(v[vo + i], s, acc[ao + i]));
    }

    /**
     * Stores {@code x} rounded to the nearest half (ties to even) as floats, the bits of {@link #half} (checked
     * for every float): normal halves drop 13 mantissa bits with integer rounding, subnormal ones round to a
     * multiple of 2^-24 by adding and taking away 0.5. Returns false, storing nothing, when a lane would
     * overflow to infinity or is NaN, for the caller to round that part with {@link #half}.
     */
    private static boolean storeHalf(FloatVector x, float[] out, int offset) {
        IntVector bits = x.reinterpretAsInts();
        IntVector magnitude = bits.and(0x7fffffff);
        if (magnitude.compare(VectorOperators.GE, HALF_OVERFLOW).anyTrue()) return false;
        IntVector normal = magnitude.add(magnitude.lanewise(VectorOperators.LSHR, 13).and(1).add(0xfff)).and(~0x1fff);
        IntVector subnormal = magnitude.reinterpretAsFloats().add(0.5f).sub(0.5f).reinterpretAsInts();
        normal.blend(subnormal, magnitude.compare(VectorOperators.LT, HALF_NORMAL))
                .or(bits.and(0x80000000)).reinterpretAsFloats().intoArray(out, offset);
        return true;
    }
}
