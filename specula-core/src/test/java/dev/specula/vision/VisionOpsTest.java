package dev.specula.vision;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class VisionOpsTest {

    @Test
    void transposedKeyScoresAndSoftmaxAgreeWithTheDefinition() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 40; trial++) {
            int hs = 1 + rnd.nextInt(80), n = 1 + rnd.nextInt(70), base = rnd.nextInt(5);
            float[] q = gaussian(rnd, hs + 3);
            float[][] keys = new float[n][];
            float[] keysT = new float[base + hs * n];
            for (int j = 0; j < n; j++) {
                keys[j] = gaussian(rnd, hs);
                for (int e = 0; e < hs; e++) keysT[base + e * n + j] = keys[j][e];
            }
            float scale = 1f / (float) Math.sqrt(hs);
            float[] scores = new float[n];
            VisionOps.scores(q, 3, keysT, base, hs, n, scale, scores);
            VisionOps.softmax(scores, n);
            double[] expected = new double[n];
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int e = 0; e < hs; e++) dot += (double) q[3 + e] * keys[j][e];
                expected[j] = dot * scale;
                max = Math.max(max, expected[j]);
            }
            for (int j = 0; j < n; j++) sum += expected[j] = Math.exp(expected[j] - max);
            for (int j = 0; j < n; j++) {
                assertThat((double) scores[j]).as("trial %d key %d", trial, j).isCloseTo(expected[j] / sum, within(1e-5));
            }
        }
    }

    @Test
    void geluTablesFollowGgmlsHalfPrecisionLookup() {
        Random rnd = new Random(5);
        for (int i = 0; i < 10_000; i++) {
            float x = (float) (rnd.nextGaussian() * 4);
            float[] g = {x}, qg = {x};
            VisionOps.gelu(g, 1);
            VisionOps.activate(ClipConfig.Activation.QUICK_GELU, qg, 1);
            float h = Float.float16ToFloat(Float.floatToFloat16(x));
            float table = Float.float16ToFloat(Float.floatToFloat16(VisionOps.geluExact(h)));
            assertThat(g[0]).isEqualTo(x <= -10 ? 0f : x >= 10 ? x : table);
            assertThat(qg[0]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(VisionOps.quickGeluExact(h))));
            assertThat((double) g[0]).isCloseTo(0.5 * x * (1 + erf(x / Math.sqrt(2))), within(2e-3 + 2e-3 * Math.abs(x)));
        }
        float[] tails = {-12f, 11f};
        VisionOps.gelu(tails, 2);
        assertThat(tails).containsExactly(0f, 11f);
    }

    /** Abramowitz-Stegun 7.1.26, |error| < 1.5e-7: enough to see that the tanh form is GELU. */
    private static double erf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x));
        double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
        return Math.signum(x) * y;
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }
}
