package dev.specula.tensor.ffi;

import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Inputs rounded to Q8_0 blocks the way llama.cpp's quantize_row_q8_0 rounds them for Q4_0/Q8_0 weights. */
class Q8ActivationsTest {

    /** One block by the definition: d = half(max|x| / 127), q = round-half-even(x * 127 / max|x|). */
    private static int[] referenceQuants(float[] x, int at) {
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[at + j]));
        float id = amax != 0 ? 127f / amax : 0f;
        int[] q = new int[32];
        for (int j = 0; j < 32; j++) q[j] = (int) Math.rint(x[at + j] * id);
        return q;
    }

    private static float referenceScale(float[] x, int at) {
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[at + j]));
        return Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
    }

    private static float[] inputs(int n, Random rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian()));
        for (int j = 0; j < 32; j++) x[32 + j] = 0f;            // an all-zero block
        for (int j = 0; j < 32; j++) x[64 + j] = (j - 16) * 0.5f; // exact halves: ties to even
        x[96] = 127f;
        return x;
    }

    @Test
    void roundedValuesAreTheBlockQuantsTimesTheHalfScale() {
        Random rnd = new Random(5);
        int batch = 3, cols = 32 * 7;
        float[] x = inputs(batch * cols, rnd);
        float[] r = new Q8Activations().rounded(x, batch, cols);
        for (int b = 0; b < batch * cols / 32; b++) {
            int[] q = referenceQuants(x, b * 32);
            float d = referenceScale(x, b * 32);
            for (int j = 0; j < 32; j++) {
                assertThat(r[b * 32 + j]).as("block %d value %d", b, j).isEqualTo(q[j] * d);
            }
        }
    }

    @Test
    void nativeLayoutHoldsBytesScalesAndBiasesInPairsOfBlocks() {
        Random rnd = new Random(6);
        int batch = 2, cols = 32 * 5;
        float[] x = inputs(batch * cols, rnd);
        Q8Activations a = new Q8Activations();
        for (int c : new int[] {1, 16}) {
            a.quantize(x, batch, cols, c, true); // 5 blocks: no group of 16, all in pairs
            assertThat(a.groups()).isZero();
            assertThat(a.stride()).isEqualTo(3 * 192 + 64);
            for (int t = 0; t < batch; t++) {
                for (int j = 0; j < 5; j++) {
                    long at = t * a.stride() + (j / 2) * 192L + (j % 2) * 32L;
                    int[] q = referenceQuants(x, t * cols + j * 32);
                    int sum = 0;
                    for (int k = 0; k < 32; k++) {
                        assertThat((int) a.packed().get(ValueLayout.JAVA_BYTE, at + k)).isEqualTo(q[k]);
                        sum += q[k];
                    }
                    for (int l = 0; l < 8; l++) {
                        assertThat(a.packed().get(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 64 + 4 * l)).isEqualTo(referenceScale(x, t * cols + j * 32));
                        assertThat(a.packed().get(ValueLayout.JAVA_INT_UNALIGNED, at + 128 + 4 * l)).isEqualTo(-c * sum);
                    }
                }
            }
        }
    }

    @Test
    void groupedLayoutGivesEachBlockALaneInTransposedOrder() {
        Random rnd = new Random(11);
        int cols = 32 * 18; // one group of 16, then a pair
        float[] x = inputs(cols, rnd);
        Q8Activations a = new Q8Activations();
        a.quantize(x, 1, cols, 16, true);
        assertThat(a.groups()).isEqualTo(1);
        assertThat(a.stride()).isEqualTo(640 + 192 + 64);
        for (int lane = 0; lane < 16; lane++) {
            int block = 4 * (lane % 4) + lane / 4;
            int[] q = referenceQuants(x, block * 32);
            int sum = 0;
            for (int k = 0; k < 32; k++) {
                long at = 64L * (k / 4) + 4L * lane + k % 4;
                assertThat((int) a.packed().get(ValueLayout.JAVA_BYTE, at)).as("lane %d byte %d", lane, k).isEqualTo(q[k]);
                sum += q[k];
            }
            assertThat(a.packed().get(ValueLayout.JAVA_FLOAT_UNALIGNED, 512 + 4L * lane)).isEqualTo(referenceScale(x, block * 32));
            assertThat(a.packed().get(ValueLayout.JAVA_INT_UNALIGNED, 576 + 4L * lane)).isEqualTo(-128 * sum);
        }
        int[] q16 = referenceQuants(x, 16 * 32);
        for (int k = 0; k < 32; k++) assertThat((int) a.packed().get(ValueLayout.JAVA_BYTE, 640 + k)).isEqualTo(q16[k]);
    }

    @Test
    void tiesRoundToEven() {
        float[] x = new float[32];
        x[0] = 127f;            // id = 1, so the others round as they are
        x[1] = 2.5f;
        x[2] = -2.5f;
        x[3] = 3.5f;
        float[] r = new Q8Activations().rounded(x, 1, 32);
        assertThat(new float[] {r[1], r[2], r[3]}).containsExactly(2f, -2f, 4f);
    }
}
