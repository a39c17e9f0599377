package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * How llama.cpp rounds the input of a product before the dot products: its CPU backend converts the
 * activations to the weight type's {@code vec_dot_type} first. Products round the same way, once per
 * product, so that their results follow llama.cpp's and not a float32 engine's. The rounded values are
 * exact as floats (a half, or 8 bits times a scale), so every kernel can take them as plain floats.
 */
public enum InputRounding {
    /** F32 weights: the inputs stay float32. */
    NONE(1),
    /** F16 weights: inputs rounded to half precision, to nearest even. */
    F16(1),
    /** BF16 weights: inputs rounded to bfloat16, to nearest even. */
    BF16(1),
    /**
     * Q4_0, Q5_0 and Q8_0 weights: {@code quantize_row_q8_0} as built for x86 (AVX2 and up), per 32 values
     * d = half(max|x| / 127), q = round-half-even(x * (127 / max|x|)); the input becomes q * d.
     */
    Q8_0(32),
    /**
     * Q4_1 and Q5_1 weights: {@code quantize_row_q8_1}, the same values as {@link #Q8_0}. It also stores
     * s = half(d_f32 * sum q) for the weights' minimum term, which the rounded values cannot give back, so
     * those products take their inputs raw and quantize them themselves ({@link Q8Dot#prepareQ8_1}).
     */
    Q8_1(32),
    /**
     * K-quant weights: {@code quantize_row_q8_K}, per 256 values a float scale from the SIGNED value of
     * largest magnitude: iscale = -127 / max, q = min(127, round-half-even(iscale * x)), d = 1 / iscale.
     */
    Q8_K(256);

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Adding then subtracting 1.5 * 2^23 rounds a float below 2^22 to the nearest integer, ties to even. */
    private static final float ROUND = 12582912f;

    private final int block;

    InputRounding(int block) {
        this.block = block;
    }

    /** Values rounded together: the input length must be a multiple of it. */
    public int block() {
        return block;
    }

    /** llama.cpp's {@code vec_dot_type} for weights of {@code type}. */
    public static InputRounding of(GgmlType type) {
        return switch (type) {
            case F16 -> F16;
            case BF16 -> BF16;
            case Q4_0, Q5_0, Q8_0 -> Q8_0;
            case Q4_1, Q5_1 -> Q8_1;
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K -> Q8_K;
            default -> NONE;
        };
    }

    /**
     * Writes {@code x[0..n)} rounded into {@code out[0..n)} and returns {@code out}; {@link #NONE} returns
     * {@code x} itself and writes nothing. {@code n} must be a multiple of {@link #block()}.
     */
    public float[] round(float[] x, int n, float[] out) {
        switch (this) {
            case NONE -> {
                return x;
            }
            case F16 -> {
                for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) out[i] = bf16(x[i]);
            }
            case Q8_0, Q8_1 -> {
                for (int i = 0; i < n; i += 32) q8_0(x, i, out);
            }
            case Q8_K -> {
                for (int i = 0; i < n; i += 256) q8_K(x, i, out);
            }
        }
        return out;
    }

    private static float bf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if ((bits & 0x7fffffff) > 0x7f800000) return Float.intBitsToFloat((bits | 0x00400000) & 0xffff0000);
        return Float.intBitsToFloat((bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000);
    }

    private static void q8_0(float[] x, int i, float[] out) {
        float amax = 0f;
        for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[i + j]));
        float d = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
        float id = amax != 0f ? 127f / amax : 0f;
        int j = 0;
        for (int upper = S.loopBound(32); j < upper; j += S.length()) {
            FloatVector.fromArray(S, x, i + j).mul(id).add(ROUND).sub(ROUND).mul(d).intoArray(out, i + j);
        }
        for (; j < 32; j++) out[i + j] = ((x[i + j] * id + ROUND) - ROUND) * d;
    }

    private static void q8_K(float[] x, int i, float[] out) {
        // the first value of largest magnitude, sign included, as quantize_row_q8_K_ref picks it
        float amax = 0f, max = 0f;
        for (int j = 0; j < 256; j++) {
            float a = Math.abs(x[i + j]);
            if (a > amax) {
                amax = a;
                max = x[i + j];
            }
        }
        if (amax == 0f) {
            java.util.Arrays.fill(out, i, i + 256, 0f);
            return;
        }
        float iscale = -127f / max;
        float d = 1f / iscale;
        int j = 0;
        for (int upper = S.loopBound(256); j < upper; j += S.length()) {
            FloatVector.fromArray(S, x, i + j).mul(iscale).add(ROUND).sub(ROUND)
                    .lanewise(VectorOperators.MIN, 127f).mul(d).intoArray(out, i + j);
        }
        for (; j < 256; j++) out[i + j] = Math.min(127f, (x[i + j] * iscale + ROUND) - ROUND) * d;
    }
}
