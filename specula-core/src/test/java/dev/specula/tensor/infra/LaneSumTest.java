package dev.specula.tensor.infra;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The vector form of the fixed lane order must give of16's bits, for lanes of every magnitude and sign. */
class LaneSumTest {

    @Test
    void vectorSumHasTheBitsOfTheScalarSum() {
        Random rnd = new Random(3);
        for (int t = 0; t < 20_000; t++) {
            float[] a = new float[40];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4));
            }
            int o = rnd.nextInt(a.length - 15);
            float expected = LaneSum.of16(a, o);
            assertThat(LaneSum.of16Vector(a, o)).as("offset %d", o).isEqualTo(expected);
        }
    }
}
