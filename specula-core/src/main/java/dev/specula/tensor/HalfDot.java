package dev.specula.tensor;

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
 * <p>The 16 lanes are emulated as pairs of 8-lane vectors on any machine, so results do not depend on
 * the vector width, and a row's result does not depend on how many inputs share the product.
 */
public final class HalfDot {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;

    private HalfDot() {}

    /** {@code a[ao..ao+n) · b[bo..bo+n)} for arrays holding half-precision values. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int np = n & ~63;
        double sum = 0;
        if (np > 0) {
            // ggml's accumulator j holds values 16j.. of each step of 64: here the halves a{2j} and a{2j+1}
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int i = 0; i < np; i += 64) {
                int x = ao + i, y = bo + i;
                a0 = FloatVector.fromArray(F, a, x).fma(FloatVector.fromArray(F, b, y), a0);
                a1 = FloatVector.fromArray(F, a, x + 8).fma(FloatVector.fromArray(F, b, y + 8), a1);
                a2 = FloatVector.fromArray(F, a, x + 16).fma(FloatVector.fromArray(F, b, y + 16), a2);
                a3 = FloatVector.fromArray(F, a, x + 24).fma(FloatVector.fromArray(F, b, y + 24), a3);
                a4 = FloatVector.fromArray(F, a, x + 32).fma(FloatVector.fromArray(F, b, y + 32), a4);
                a5 = FloatVector.fromArray(F, a, x + 40).fma(FloatVector.fromArray(F, b, y + 40), a5);
                a6 = FloatVector.fromArray(F, a, x + 48).fma(FloatVector.fromArray(F, b, y + 48), a6);
                a7 = FloatVector.fromArray(F, a, x + 56).fma(FloatVector.fromArray(F, b, y + 56), a7);
            }
            // x0 += x2, x1 += x3, x0 += x1 on the 16-lane accumulators, then the lanes as _mm512_reduce_add_ps
            // (inline: a helper taking vectors would be boxed by C2)
            FloatVector t = a1.add(a5).add(a3.add(a7)).add(a0.add(a4).add(a2.add(a6)));
            float t0 = t.lane(4) + t.lane(0), t1 = t.lane(5) + t.lane(1), t2 = t.lane(6) + t.lane(2), t3 = t.lane(7) + t.lane(3);
            sum = (t0 + t2) + (t1 + t3);
        }
        for (int i = np; i < n; i++) sum += a[ao + i] * b[bo + i];
        return (float) sum;
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
