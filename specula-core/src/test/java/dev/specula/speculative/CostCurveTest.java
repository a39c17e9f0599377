package dev.specula.speculative;

import dev.specula.Fixtures;
import dev.specula.model.LlamaModel;
import dev.specula.tensor.Parallel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CostCurveTest {

    @Test
    void measuresOnePositiveTimePerBatchSizeAndLeavesTheModelEmpty() throws Exception {
        try (Parallel pool = new Parallel(1);
             LlamaModel m = LlamaModel.open(Fixtures.own("tiny-draft-f16.gguf"), pool, LlamaModel.Options.defaults().withContextLength(64))) {
            CostCurve c = CostCurve.measure(m, 5, 3);
            assertThat(c.seconds()).hasSize(5);
            assertThat(java.util.Arrays.stream(c.seconds()).min().orElseThrow()).isPositive();
            assertThat(c.ratios()[0]).isEqualTo(1.0);
            assertThat(m.position()).isZero();
        }
    }

    @Test
    void feedsTheAdaptiveRule() {
        // a compute-bound curve (r(k) = k) with a costly draft never pays: plain decoding wins
        CostCurve computeBound = new CostCurve(new double[] {1, 2, 3, 4, 5});
        AdaptiveGamma g = new AdaptiveGamma(4, computeBound.ratios(), 0.3);
        for (int i = 0; i < 20; i++) g.observe(4, 2);
        assertThat(g.choose()).isZero();
        // a memory-bound curve with the same acceptance does draft
        AdaptiveGamma flat = new AdaptiveGamma(4, new CostCurve(new double[] {1, 1.05, 1.1, 1.15, 1.2}).ratios(), 0.05);
        for (int i = 0; i < 20; i++) flat.observe(4, 3);
        assertThat(flat.choose()).isPositive();
    }

    @Test
    void refusesANonPositiveTime() {
        assertThatThrownBy(() -> new CostCurve(new double[] {0})).isInstanceOf(IllegalArgumentException.class);
    }
}
