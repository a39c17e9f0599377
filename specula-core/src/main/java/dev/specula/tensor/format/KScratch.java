package dev.specula.tensor.format;

import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Lanes;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.specula.tensor.infra.Lanes.F;
import static dev.specula.tensor.infra.Lanes.N;

/**
 * Per-thread buffers of the K-quant dot kernels, looked up once per call. The kernels unpack a block's
 * scales into {@link #scales} with a few vector operations and then broadcast them from memory; unpacking
 * them one scalar at a time made the Q4_K kernel about a third slower.
 */
final class KScratch {
    private static final ThreadLocal<KScratch> LOCAL = ThreadLocal.withInitial(KScratch::new);

    /**
     * One block's scales: for Q4_K and Q5_K, d·sc_j in 0..7 and dmin·m_j in 8..15; for Q6_K, d·sc_j. Then, at
     * 16..31, the kernel's 16 logical lanes ({@link Lanes}) as its parts finish.
     */
    final float[] scales = new float[32];
    /**
     * The parts of llama.cpp's 8 integer lanes in a Q5_K/Q6_K {@link KQuantFormat#llamaDot}: its lane m takes values
     * 32s + 4m .. 32s + 4m + 3 of every sub-block s of 32; the kernels load values l .. l+N-1 of each sub-block
     * into N vector lanes, store them at {@code l..}, and sum entries 4m .. 4m+3 (exactly: in int, or in float
     * below 2^24). So the vector width changes nothing.
     */
    final float[] parts = new float[32];
    final int[] intParts = new int[32];
    /** Q6_K: each of a super-block's 16 scales times the input's sum over its 16 values. */
    final int[] offsets = new int[16];
    private float[] sums = new float[0];
    private final float[] lanes = new float[16];

    static KScratch get() {
        return LOCAL.get();
    }

    /**
     * The sums of {@code x} over each run of 32 values, laid out to meet the min half of {@link #scales}:
     * for super-block b, entries {@code 16b .. 16b+7} are zero and {@code 16b+8+j} is the sum of sub-block j.
     * The min term of a Q4_K/Q5_K block is then one multiply-add of two 16-float vectors. For a batch of
     * {@code batch} inputs of {@code n} values each, one after another, input i's sums start at {@code i·n/16}.
     */
    float[] sums(float[] x, int xOffset, int n, int batch) {
        return sums(x, xOffset, n, batch, sumsBuffer(batch * n / 16));
    }

    /** {@link #sums} into {@code s}, which returns. */
    float[] sums(float[] x, int xOffset, int n, int batch, float[] s) {
        for (int b = 0; b < batch * n / 256; b++) {
            for (int j = 0; j < 8; j++) {
                int o = xOffset + 256 * b + 32 * j;
                // logical lane l (see Lanes) holds values l and 16 + l
                for (int p = 0; p < Lanes.LOGICAL; p += N) {
                    FloatVector.fromArray(F, x, o + p).add(FloatVector.fromArray(F, x, o + 16 + p)).intoArray(lanes, p);
                }
                s[16 * b + j] = 0f;
                s[16 * b + 8 + j] = LaneSum.of16(lanes, 0);
            }
        }
        return s;
    }

    /**
     * The sums of {@code x} over each run of 16 values, in order: Q6_K's scale j covers values 16j.. of its
     * block. Input i of a batch has its sums from {@code i·n/16} on, as in {@link #sums}.
     */
    float[] sums16(float[] x, int xOffset, int n, int batch) {
        return sums16(x, xOffset, n, batch, sumsBuffer(batch * n / 16));
    }

    /** {@link #sums16} into {@code s}, which returns. */
    static float[] sums16(float[] x, int xOffset, int n, int batch, float[] s) {
        for (int i = 0; i < batch * n / 16; i++) s[i] = LaneSum.of16(x, xOffset + 16 * i);
        return s;
    }

    private float[] sumsBuffer(int n) {
        if (sums.length < n) sums = new float[n];
        return sums;
    }
}
