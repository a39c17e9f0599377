package dev.specula.vision;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class VisionOpsTest {

    @Test
    void layerNormCentresAndScalesEachRow() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 40; trial++) {
            int rows = 1 + rnd.nextInt(4), width = 1 + rnd.nextInt(200);
            float[] x = gaussian(rnd, rows * width), w = gaussian(rnd, width), b = gaussian(rnd, width);
            for (int i = 0; i < x.length; i++) x[i] = x[i] * 3 + 5; // an offset the centring must remove
            float[] out = new float[x.length];
            VisionOps.layerNorm(x, rows, width, w, b, 1e-5f, out);
            for (int r = 0; r < rows; r++) {
                double mean = 0, var = 0;
                for (int i = 0; i < width; i++) mean += x[r * width + i];
                mean /= width;
                for (int i = 0; i < width; i++) var += Math.pow(x[r * width + i] - mean, 2);
                double inv = 1 / Math.sqrt(var / width + 1e-5);
                for (int i = 0; i < width; i++) {
                    double expected = (x[r * width + i] - mean) * inv * w[i] + b[i];
                    assertThat((double) out[r * width + i]).as("trial %d row %d [%d]", trial, r, i)
                            .isCloseTo(expected, within(1e-4 * (1 + Math.abs(expected))));
                }
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
