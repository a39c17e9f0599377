package dev.specula.tensor.format;

/**
 * The scalar search routines of ggml's reference K-quant quantizers ({@code make_qkx2_quants},
 * {@code make_qx_quants}, {@code make_q3_quants}) and the packing of the 6-bit scales shared by Q4_K
 * and Q5_K. Every float operation is in ggml's order, without fused multiply-adds, so that the
 * quantizers reproduce llama-quantize's bytes (C float arithmetic on x86-64 is IEEE single, as is Java's).
 */
final class KQuantizer {
    private KQuantizer() {}

    /** Below this magnitude a group counts as all zero. */
    static final float GROUP_MAX_EPS = 1e-15f;

    /** Round half to even through the float mantissa, as ggml's {@code nearest_int}; valid for |f| < 2^22. */
    static int nearestInt(float f) {
        int bits = Float.floatToRawIntBits(f + 12582912f);
        return (bits & 0x007fffff) - 0x00400000;
    }

    /**
     * Fits {@code x ≈ scale * l - min} with {@code l} in {@code [0, nmax]} by minimising the weighted
     * error over {@code nstep + 1} trial scales; writes the levels into {@code levels[lOff..]}, the
     * (non-negative) min into {@code mins[minIndex]}, and returns the scale.
     */
    static float fitScaleMin(int n, int nmax, float[] x, int xOff, float[] weights, byte[] levels, int lOff,
                             float[] mins, int minIndex, byte[] aux, float rmin, float rdelta, int nstep,
                             boolean absError) {
        float min = x[xOff];
        float max = x[xOff];
        float sumW = weights[0];
        float sumX = sumW * x[xOff];
        for (int i = 1; i < n; i++) {
            float v = x[xOff + i];
            if (v < min) min = v;
            if (v > max) max = v;
            float w = weights[i];
            sumW += w;
            sumX += w * v;
        }
        if (min > 0) min = 0;
        if (max == min) {
            for (int i = 0; i < n; i++) levels[lOff + i] = 0;
            mins[minIndex] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            int l = clamp(nearestInt(iscale * (x[xOff + i] - min)), 0, nmax);
            levels[lOff + i] = (byte) l;
            float diff = scale * l + min - x[xOff + i];
            diff = absError ? Math.abs(diff) : diff * diff;
            bestError += weights[i] * diff;
        }
        if (nstep < 1) {
            mins[minIndex] = -min;
            return scale;
        }
        for (int step = 0; step <= nstep; step++) {
            iscale = (rmin + rdelta * step + nmax) / (max - min);
            float sumL = 0, sumL2 = 0, sumXL = 0;
            for (int i = 0; i < n; i++) {
                int l = clamp(nearestInt(iscale * (x[xOff + i] - min)), 0, nmax);
                aux[i] = (byte) l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * x[xOff + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float error = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * aux[i] + thisMin - x[xOff + i];
                    diff = absError ? Math.abs(diff) : diff * diff;
                    error += weights[i] * diff;
                }
                if (error < bestError) {
                    System.arraycopy(aux, 0, levels, lOff, n);
                    bestError = error;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        mins[minIndex] = -min;
        return scale;
    }

    /** The value of largest magnitude (with its sign) among {@code x[xOff .. xOff+n)}; the first on ties. */
    private static float signedMax(int n, float[] x, int xOff) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xOff + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xOff + i];
            }
        }
        return max;
    }

    /**
     * Fits a symmetric {@code x ≈ scale * (l - nmax)}, {@code l} in {@code [0, 2 nmax)}, weighting each value
     * by its square and trying 18 scales around {@code nmax / max}; ggml's {@code make_qx_quants} with
     * {@code rmse_type} 1 and no importance weights, the only form its reference quantizers use.
     */
    static float fitSymmetric(int n, int nmax, float[] x, int xOff, byte[] levels, int lOff) {
        float max = signedMax(n, x, xOff);
        if (Math.abs(max) < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) levels[lOff + i] = 0;
            return 0f;
        }
        float iscale = -nmax / max;
        float sumLX = 0;
        float sumL2 = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            int l = clamp(nearestInt(iscale * v), -nmax, nmax - 1);
            levels[lOff + i] = (byte) (l + nmax);
            float w = v * v;
            sumLX += w * v * l;
            sumL2 += w * l * l;
        }
        float scale = sumL2 != 0 ? sumLX / sumL2 : 0f;
        float best = scale * sumLX;
        for (int step = -9; step <= 9; step++) {
            if (step == 0) continue;
            iscale = -(nmax + 0.1f * step) / max;
            sumLX = 0;
            sumL2 = 0;
            for (int i = 0; i < n; i++) {
                float v = x[xOff + i];
                int l = clamp(nearestInt(iscale * v), -nmax, nmax - 1);
                float w = v * v;
                sumLX += w * v * l;
                sumL2 += w * l * l;
            }
            if (sumL2 > 0 && sumLX * sumLX > best * sumL2) {
                for (int i = 0; i < n; i++) {
                    levels[lOff + i] = (byte) (nmax + clamp(nearestInt(iscale * x[xOff + i]), -nmax, nmax - 1));
                }
                scale = sumLX / sumL2;
                best = scale * sumLX;
            }
        }
        return scale;
    }

    /**
     * Q3_K's symmetric fit: start from {@code nmax / max}, then move single levels while that lowers the
     * x²-weighted error (at most five passes); ggml's {@code make_q3_quants} with {@code do_rmse}.
     * Levels come back offset by {@code nmax}.
     */
    static float fitSymmetricIterative(int n, int nmax, float[] x, int xOff, byte[] levels, int lOff) {
        float max = signedMax(n, x, xOff);
        if (Math.abs(max) < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) levels[lOff + i] = 0;
            return 0f;
        }
        float iscale = -nmax / max;
        float sumLX = 0;
        float sumL2 = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            int l = clamp(nearestInt(iscale * v), -nmax, nmax - 1);
            levels[lOff + i] = (byte) l;
            float w = v * v;
            sumLX += w * v * l;
            sumL2 += w * l * l;
        }
        for (int pass = 0; pass < 5; pass++) {
            int changed = 0;
            for (int i = 0; i < n; i++) {
                float v = x[xOff + i];
                float w = v * v;
                int cur = levels[lOff + i];
                float slx = sumLX - w * v * cur;
                if (slx > 0) {
                    float sl2 = sumL2 - w * cur * cur;
                    int next = clamp(nearestInt(v * sl2 / slx), -nmax, nmax - 1);
                    if (next != cur) {
                        slx += w * v * next;
                        sl2 += w * next * next;
                        if (sl2 > 0 && slx * slx * sumL2 > sumLX * sumLX * sl2) {
                            levels[lOff + i] = (byte) next;
                            sumLX = slx;
                            sumL2 = sl2;
                            changed++;
                        }
                    }
                }
            }
            if (changed == 0) break;
        }
        for (int i = 0; i < n; i++) levels[lOff + i] += (byte) nmax;
        return sumL2 > 0f ? sumLX / sumL2 : 0f;
    }

    static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /**
     * Quantizes the eight sub-block scales and mins of a Q4_K/Q5_K super-block to 6 bits each, writes
     * them packed into {@code packed[0..12)} and returns {@code {d, dmin}} as rounded to fp16.
     */
    static short[] packScalesMins(float[] scales, float[] mins, byte[] packed) {
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            if (scales[j] > maxScale) maxScale = scales[j];
            if (mins[j] > maxMin) maxMin = mins[j];
        }
        float invScale = maxScale > 0 ? 63f / maxScale : 0f;
        float invMin = maxMin > 0 ? 63f / maxMin : 0f;
        java.util.Arrays.fill(packed, 0, 12, (byte) 0);
        for (int j = 0; j < 8; j++) {
            // ggml stores nearest_int into a uint8_t before clamping: keep that wrap-around
            int ls = Math.min(63, nearestInt(invScale * scales[j]) & 0xff);
            int lm = Math.min(63, nearestInt(invMin * mins[j]) & 0xff);
            if (j < 4) {
                packed[j] = (byte) ls;
                packed[j + 4] = (byte) lm;
            } else {
                packed[j + 4] = (byte) ((ls & 0xf) | ((lm & 0xf) << 4));
                packed[j - 4] |= (byte) ((ls >> 4) << 6);
                packed[j] |= (byte) ((lm >> 4) << 6);
            }
        }
        return new short[] {Float.floatToFloat16(maxScale / 63f), Float.floatToFloat16(maxMin / 63f)};
    }
}
