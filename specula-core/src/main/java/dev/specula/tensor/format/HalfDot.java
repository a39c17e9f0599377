package dev.specula.tensor.format;

import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * Dot products of half-precision vectors summed in the order of llama.cpp's {@code ggml_vec_dot_f16} as
 * built for AVX-512: four 16-lane float fma accumulators over steps of 64 values, added pairwise
 * (x0 += x2, x1 += x3, x0 += x1) and reduced as {@code _mm512_reduce_add_ps} does (lanes i + 8, i + 4,
 * i + 2, i + 1), then the last {@code n % 64} products added in double. Once the inputs are rounded to
 * F16, every product is exact, so this order is what decides the last bit, and a last bit decides how
 * the next F16 rounding goes: the same order makes F16 models compute llama.cpp's logits bit for bit.
 *
 * <p>The 16 lanes are computed {@link Lanes#N} at a time ({@link Lanes}), so results do not depend on the
 * vector width, and a row's result does not depend on how many inputs share the product.
 */
public final class HalfDot {
    private static final VectorSpecies<Float> F = Lanes.F;

    private HalfDot() {}

    /** {@code a[ao..ao+n) · b[bo..bo+n)} for arrays holding half-precision values. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int np = n & ~63;
        double sum = 0;
        if (np > 0) {
            float[] lanes = LaneSum.lanes();
            for (int p = 0; p < Lanes.LOGICAL; p += Lanes.N) {
                // lanes p.. of ggml's accumulator j, which holds values 16j.. of each step of 64
                FloatVector x0 = FloatVector.zero(F), x1 = x0, x2 = x0, x3 = x0;
                for (int i = p; i < np; i += 64) {
                    int x = ao + i, y = bo + i;
                    x0 = FloatVector.fromArray(F, a, x).fma(FloatVector.fromArray(F, b, y), x0);
                    x1 = FloatVector.fromArray(F, a, x + 16).fma(FloatVector.fromArray(F, b, y + 16), x1);
                    x2 = FloatVector.fromArray(F, a, x + 32).fma(FloatVector.fromArray(F, b, y + 32), x2);
                    x3 = FloatVector.fromArray(F, a, x + 48).fma(FloatVector.fromArray(F, b, y + 48), x3);
                }
                // x0 += x2, x1 += x3, x0 += x1, then the lanes as _mm512_reduce_add_ps (LaneSum's order)
                x0.add(x2).add(x1.add(x3)).intoArray(lanes, p);
            }
            sum = LaneSum.of16(lanes, 0);
        }
        for (int i = np; i < n; i++) sum += a[ao + i] * b[bo + i];
        return (float) sum;
    }

    /**
     * A weight row's product with an input, in the order of llama.cpp's matrix product for F16 and F32 weights
     * on x86 (llamafile's tinyBLAS, which it takes whenever the row length is a multiple of 16, at every
     * batch): one 16-lane fma accumulator over steps of 16 values, reduced as {@code _mm512_reduce_add_ps}.
     * Other lengths fall back to {@code ggml_vec_dot_f16}/{@code _f32}, whose AVX-512 order is {@link #dot}.
     */
    public static float product(float[] a, int ao, float[] b, int bo, int n) {
        if (n % Lanes.LOGICAL != 0) return dot(a, ao, b, bo, n);
        float[] lanes = LaneSum.lanes();
        for (int p = 0; p < Lanes.LOGICAL; p += Lanes.N) {
            FloatVector acc = FloatVector.zero(F);
            for (int i = p; i < n; i += Lanes.LOGICAL) {
                acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
            }
            acc.intoArray(lanes, p);
        }
        return LaneSum.of16(lanes, 0);
    }

    private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * The same dot with {@code a} read as stored halves from {@code data} at byte {@code byteOffset}: they
     * are widened into a per-thread buffer first (a helper returning a vector would be boxed by C2).
     */
    public static float dot(MemorySegment data, long byteOffset, float[] b, int bo, int n) {
        return dot(halves(data, byteOffset, n), 0, b, bo, n);
    }

    /** {@code n} stored halves from byte {@code byteOffset} as floats in a per-thread buffer, valid until the next call. */
    public static float[] halves(MemorySegment data, long byteOffset, int n) {
        float[][] holder = ROW.get();
        if (holder[0].length < n) holder[0] = new float[n];
        float[] row = holder[0];
        for (int i = 0; i < n; i++) row[i] = Float.float16ToFloat(data.get(Layouts.SHORT, byteOffset + 2L * i));
        return row;
    }
}
