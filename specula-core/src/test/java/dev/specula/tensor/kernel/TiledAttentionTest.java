package dev.specula.tensor.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TiledAttentionTest {

    @Test
    void attendsAsSoftmaxTimesValuesAcrossTiles() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 60; trial++) {
            int hs = 1 + rnd.nextInt(80), n = 1 + rnd.nextInt(3 * TiledAttention.TILE), base = rnd.nextInt(5);
            float spread = 0.5f + rnd.nextFloat() * 4; // peaked scores move the running maximum between tiles
            float[] q = gaussian(rnd, hs + 3, spread);
            float[][] keys = new float[n][], values = new float[n][];
            float[] keysT = new float[base + hs * n], flat = new float[base + hs * n];
            for (int j = 0; j < n; j++) {
                keys[j] = gaussian(rnd, hs, 1);
                values[j] = gaussian(rnd, hs, 1);
                for (int e = 0; e < hs; e++) {
                    keysT[base + e * n + j] = keys[j][e];
                    flat[base + j * hs + e] = values[j][e];
                }
            }
            float scale = 1f / (float) Math.sqrt(hs);
            float[] out = new float[hs + 2];
            TiledAttention.attend(q, 3, keysT, base, n, flat, base, n, hs, scale, out, 2, TiledAttention.scratch());

            double[] p = new double[n];
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int e = 0; e < hs; e++) dot += (double) q[3 + e] * keys[j][e];
                p[j] = dot * scale;
                max = Math.max(max, p[j]);
            }
            for (int j = 0; j < n; j++) sum += p[j] = Math.exp(p[j] - max);
            for (int e = 0; e < hs; e++) {
                double expected = 0;
                for (int j = 0; j < n; j++) expected += p[j] / sum * values[j][e];
                assertThat((double) out[2 + e]).as("trial %d (n %d, hs %d) component %d", trial, n, hs, e)
                        .isCloseTo(expected, within(2e-5 * (1 + Math.abs(expected))));
            }
        }
    }

    @Test
    void aPrefixSeesOnlyItsPositions() {
        Random rnd = new Random(12);
        int hs = 32, n = 150, prefix = 70;
        float[] q = gaussian(rnd, hs, 2), keysT = gaussian(rnd, hs * n, 1), values = gaussian(rnd, hs * n, 1);
        float[] whole = new float[hs], cut = new float[hs];
        float[] keysCut = new float[hs * prefix];
        for (int e = 0; e < hs; e++) System.arraycopy(keysT, e * n, keysCut, e * prefix, prefix);
        TiledAttention.attend(q, 0, keysT, 0, n, values, 0, prefix, hs, 0.2f, whole, 0, TiledAttention.scratch());
        TiledAttention.attend(q, 0, keysCut, 0, prefix, values, 0, prefix, hs, 0.2f, cut, 0, TiledAttention.scratch());
        assertThat(whole).containsExactly(cut);
    }

    private static float[] gaussian(Random rnd, int n, float std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian() * std;
        return a;
    }
}
