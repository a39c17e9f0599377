package dev.specula.speculative;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SpecStatsTest {

    @Test
    void derivesBlockEfficiencyAcceptanceAndMbsuFromTheRounds() {
        SpecStats s = new SpecStats(0.1, 4);
        s.prefill(5_000_000);
        s.round(4, 4, 5, 1_000_000, 2_000_000); // all accepted plus the bonus
        s.round(4, 1, 2, 1_000_000, 2_000_000); // second rejected, replaced
        s.round(2, 0, 1, 1_000_000, 2_000_000); // limit cut γ to 2; first rejected
        s.finish(17, 20_000_000);

        assertThat(s.targetCalls()).isEqualTo(4);
        assertThat(s.generated()).isEqualTo(9);
        assertThat(s.drafted()).isEqualTo(10);
        assertThat(s.accepted()).isEqualTo(5);
        assertThat(s.acceptanceRate()).isEqualTo(0.5);
        assertThat(s.acceptanceByPosition()).containsExactly(2 / 3.0, 1 / 3.0, 1 / 2.0, 1 / 2.0);
        assertThat(s.blockEfficiency()).isEqualTo(9 / 4.0);
        assertThat(s.meanGamma()).isCloseTo(10 / 3.0, within(1e-12));
        assertThat(s.mbsu()).isCloseTo((9 / 4.0) / (1 + 0.1 * 10 / 3.0), within(1e-12));
        assertThat(s.prefillMillis()).isEqualTo(5.0);
        assertThat(s.draftMillis()).isEqualTo(3.0);
        assertThat(s.verifyMillis()).isEqualTo(6.0);
        assertThat(s.otherMillis()).isEqualTo(6.0);
        assertThat(s.tokensPerSecond()).isCloseTo(9 / 0.02, within(1e-9));
        assertThat(s.draftCalls()).isEqualTo(17);
    }

    @Test
    void plainDecodingHasBlockEfficiencyOne() {
        SpecStats s = new SpecStats(0.0, 0);
        s.prefill(1);
        for (int i = 0; i < 9; i++) s.round(0, 0, 1, 0, 1);
        s.finish(0, 100);
        assertThat(s.blockEfficiency()).isEqualTo(1.0);
        assertThat(s.mbsu()).isEqualTo(1.0);
        assertThat(s.acceptanceRate()).isZero();
        assertThat(s.acceptanceByPosition()).isEmpty();
    }

    @Test
    void mapCarriesTheKeysTheCliReports() {
        SpecStats s = new SpecStats(0.2, 3);
        s.prefill(1);
        s.round(3, 2, 3, 1, 1);
        s.finish(4, 10);
        Map<String, Object> m = s.toMap();
        assertThat(m).containsKeys("target_calls", "drafted", "accepted", "acceptance_rate", "block_efficiency", "mbsu", "gamma");
        assertThat(m.get("target_calls")).isEqualTo(2L);
        assertThat(m.get("block_efficiency")).isEqualTo(2.0);
        assertThat(m.get("gamma")).isEqualTo(3.0);
    }
}
