package dev.specula.tensor.format;

/**
 * Raw inputs quantized as llama.cpp's x86 build quantizes them for K-quant weights ({@code quantize_row_q8_K},
 * a jump to the scalar {@code quantize_row_q8_K_ref}): per 256 values the float scale {@code d}, the 256 values
 * {@code q} (-127..127), the 16 sums of each run of 16 q and the 8 of each run of 32. The products of {@link Q4_K},
 * {@link Q5_K} and {@link Q6_K} add these integers as llama.cpp does; the floats {@link InputRounding#Q8_K} writes
 * ({@code q * d}, rounded) cannot give {@code d} back exactly.
 *
 * <p>{@code q} is kept as floats: the kernels add the integer products {@code q_w·q·scale} in float lanes wherever
 * every partial sum is an integer below 2^24, which float adds exactly in any order, and about twice as fast as
 * int multiplies; where a sum could pass 2^24 they add in int.
 */
final class Q8KInputs {
    static final int QK = 256;

    float[] q = new float[0];
    float[] d = new float[0];
    int[] bsums = new int[0];
    /** The sums of each sub-block of 32, for the minimum terms of Q4_K and Q5_K. */
    float[] sums32 = new float[0];

    /** Quantizes the {@code n} raw values of {@code x}, inputs one after another; reuses its arrays. */
    void quantize(float[] x, int n) {
        int blocks = n / QK;
        if (d.length < blocks) {
            d = new float[blocks];
            q = new float[blocks * QK];
            sums32 = new float[blocks * 8];
            bsums = new int[blocks * 16];
        }
        for (int b = 0; b < blocks; b++) block(x, b);
    }

    private void block(float[] x, int b) {
        int o = b * QK;
        // the first value of largest magnitude, sign included: it becomes -127
        float amax = 0f, max = 0f;
        for (int j = 0; j < QK; j++) {
            float a = Math.abs(x[o + j]);
            if (a > amax) {
                amax = a;
                max = x[o + j];
            }
        }
        if (amax == 0f) {
            // llama.cpp leaves the sums unwritten; with d = 0 they only ever meet a zero factor
            d[b] = 0f;
            java.util.Arrays.fill(q, o, o + QK, 0f);
            java.util.Arrays.fill(bsums, 16 * b, 16 * b + 16, 0);
            java.util.Arrays.fill(sums32, 8 * b, 8 * b + 8, 0f);
            return;
        }
        float iscale = -127f / max;
        for (int k = 0; k < 16; k++) {
            int sum = 0;
            for (int j = o + 16 * k; j < o + 16 * k + 16; j++) {
                // nearest_int: the float product rounded half to even (exact below 2^22)
                int v = Math.min(127, (int) Math.rint(iscale * x[j]));
                q[j] = v;
                sum += v;
            }
            bsums[16 * b + k] = sum;
        }
        for (int j = 0; j < 8; j++) sums32[8 * b + j] = bsums[16 * b + 2 * j] + bsums[16 * b + 2 * j + 1];
        d[b] = 1f / iscale;
    }
}
