package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class InputRoundingTest {

    private static float[] randomInput(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian()));
        return x;
    }

    @Test
    void eachWeightTypeRoundsToItsLlamaCppDotType() {
        assertThat(InputRounding.of(GgmlType.F32)).isEqualTo(InputRounding.NONE);
        assertThat(InputRounding.of(GgmlType.F16)).isEqualTo(InputRounding.F16);
        assertThat(InputRounding.of(GgmlType.BF16)).isEqualTo(InputRounding.BF16);
        for (GgmlType t : new GgmlType[]{GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q8_0}) {
            assertThat(InputRounding.of(t)).isEqualTo(InputRounding.Q8_0);
        }
        assertThat(InputRounding.of(GgmlType.Q4_1)).isEqualTo(InputRounding.Q8_1);
        assertThat(InputRounding.of(GgmlType.Q5_1)).isEqualTo(InputRounding.Q8_1);
        for (GgmlType t : new GgmlType[]{GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            assertThat(InputRounding.of(t)).isEqualTo(InputRounding.Q8_K);
        }
    }

    @Test
    void q8_0RoundsEachBlockOnAHalfScaleTiesToEven() {
        Random rnd = new Random(1);
        for (int trial = 0; trial < 200; trial++) {
            float[] x = randomInput(rnd, 64);
            float[] r = InputRounding.Q8_0.round(x, 64, new float[64]);
            for (int b = 0; b < 64; b += 32) {
                float amax = 0;
                for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b + j]));
                float d = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
                for (int j = 0; j < 32; j++) {
                    float q = (float) Math.rint(x[b + j] * (127f / amax));
                    assertThat(r[b + j]).isEqualTo(q * d);
                }
            }
        }
    }

    /** Exact ties and an all-zero block, which random inputs do not reach (from Q8ActivationsTest, removed). */
    @Test
    void q8_0RoundsExactTiesToEvenAndKeepsAZeroBlock() {
        float[] x = new float[64];
        x[0] = 127f; // d = 1, so the others round as they are
        x[1] = 2.5f;
        x[2] = -2.5f;
        x[3] = 3.5f;
        float[] r = InputRounding.Q8_0.round(x, 64, new float[64]);
        assertThat(new float[] {r[0], r[1], r[2], r[3]}).containsExactly(127f, 2f, -2f, 4f);
        for (int j = 32; j < 64; j++) assertThat(Float.floatToRawIntBits(r[j])).as("zero block value %d", j).isZero();
    }

    @Test
    void q8_KScalesByTheSignedLargestValue() {
        Random rnd = new Random(2);
        for (int trial = 0; trial < 100; trial++) {
            float[] x = randomInput(rnd, 256);
            if (trial % 2 == 0) x[rnd.nextInt(256)] = -50f; // a negative largest magnitude flips the scale's sign
            float[] r = InputRounding.Q8_K.round(x, 256, new float[256]);
            float max = 0;
            for (float v : x) if (Math.abs(v) > Math.abs(max)) max = v;
            float iscale = -127f / max;
            for (int j = 0; j < 256; j++) {
                float q = Math.min(127f, (float) Math.rint(x[j] * iscale));
                assertThat(r[j]).isEqualTo(q * (1f / iscale));
                assertThat(Math.abs(r[j] - x[j])).isLessThanOrEqualTo(Math.abs(max) / 127f);
            }
        }
        assertThat(InputRounding.Q8_K.round(new float[256], 256, new float[256])).containsOnly(0f);
    }

    @Test
    void halfAndBfloatRoundToNearestEven() {
        Random rnd = new Random(3);
        float[] x = randomInput(rnd, 1000);
        float[] h = InputRounding.F16.round(x, x.length, new float[x.length]);
        float[] b = InputRounding.BF16.round(x, x.length, new float[x.length]);
        for (int i = 0; i < x.length; i++) {
            assertThat(h[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(x[i])));
            assertThat(Float.floatToRawIntBits(b[i]) & 0xffff).isZero();
            assertThat(Math.abs(b[i] - x[i])).isLessThanOrEqualTo(Math.ulp(x[i]) * 65536 / 2);
        }
        // exactly halfway between two bfloat16 values: to the even one
        assertThat(InputRounding.BF16.round(new float[]{Float.intBitsToFloat(0x3f808000)}, 1, new float[1])[0])
                .isEqualTo(Float.intBitsToFloat(0x3f800000));
        assertThat(InputRounding.BF16.round(new float[]{Float.intBitsToFloat(0x3f818000)}, 1, new float[1])[0])
                .isEqualTo(Float.intBitsToFloat(0x3f820000));
        float[] same = {1.5f};
        assertThat(InputRounding.NONE.round(same, 1, null)).isSameAs(same);
    }
}
