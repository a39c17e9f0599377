package dev.specula.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CostsTest {

    @Test
    void predictionIsTauOverDraftStepsPlusOneVerifyPass() {
        Costs c = new Costs(new double[] {1, 1.1, 1.3, 1.6}, 0.05);
        // γ̄ = 3: three draft steps at 0.05 and one pass over 4 positions at r(4) = 1.6
        assertThat(c.predictedSpeedup(2.5, 3)).isCloseTo(2.5 / (3 * 0.05 + 1.6), within(1e-12));
    }

    @Test
    void fractionalGammaInterpolatesTheVerifyCost() {
        Costs c = new Costs(new double[] {1, 1.2, 1.6}, 0);
        assertThat(c.ratio(2.5)).isCloseTo(1.4, within(1e-12));
        assertThat(c.ratio(9)).isEqualTo(1.6);
        assertThat(c.predictedSpeedup(1, 0)).isEqualTo(1.0);
    }
}
