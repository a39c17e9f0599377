package dev.specula.model;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class VectorOpsTest {

    /** Every float bit pattern in strides, plus the edges where half rounding changes rule (checked once for all 2^32). */
    private static float[] awkwardFloats() {
        int[] edges = {0, 0x33000000, 0x33000001, 0x387fe000, 0x387fffff, 0x38800000, 0x38801000, 0x38801001,
                0x477fe000, 0x477fefff, 0x477ff000, 0x477fffff, 0x7f800000, 0x7fc00000, 0x00000001, 0x3f7ff000, 0x3f7ff001};
        SplittableRandom rnd = new SplittableRandom(3);
        float[] x = new float[(1 << 20) + 2 * edges.length];
        int n = 0;
        for (int e : edges) {
            x[n++] = Float.intBitsToFloat(e);
            x[n++] = Float.intBitsToFloat(e | 0x80000000);
        }
        while (n < x.length) x[n++] = Float.intBitsToFloat(rnd.nextInt());
        return x;
    }

    private static void assertSameBits(float[] got, float[] want) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i]) && !(Float.isNaN(got[i]) && Float.isNaN(want[i]))) {
                assertThat(Integer.toHexString(Float.floatToRawIntBits(got[i])))
                        .as("element %d", i).isEqualTo(Integer.toHexString(Float.floatToRawIntBits(want[i])));
            }
        }
    }

    @Test
    void vectorHalfRoundingEqualsScalarRounding() {
        float[] x = awkwardFloats();
        float[] got = new float[x.length], want = new float[x.length];
        VectorOps.roundToHalf(x, 0, got, 0, x.length - 3); // a tail that is not a whole vector
        for (int i = 0; i < x.length - 3; i++) want[i] = VectorOps.half(x[i]);
        assertSameBits(got, want);
    }

    @Test
    void halfAccumulatorStepsEqualScalarSteps() {
        float[] v = awkwardFloats();
        SplittableRandom rnd = new SplittableRandom(5);
        float[] acc = new float[v.length], want = new float[v.length];
        for (int i = 0; i < acc.length; i++) acc[i] = want[i] = VectorOps.half((float) rnd.nextGaussian() * 100f);
        for (float s : new float[] {1f, 0.37f, 1e-6f, 3e4f}) {
            VectorOps.halfFma(v, 0, s, acc, 0, v.length - 5);
            for (int i = 0; i < v.length - 5; i++) want[i] = VectorOps.half(Math.fma(v[i], s, want[i]));
            assertSameBits(acc, want);
            VectorOps.halfScale(acc, 0, acc.length - 7, s);
            for (int i = 0; i < acc.length - 7; i++) want[i] = VectorOps.half(want[i] * s);
            assertSameBits(acc, want);
        }
    }
}
