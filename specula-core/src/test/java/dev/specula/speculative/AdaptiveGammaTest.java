package dev.specula.speculative;

import dev.specula.model.Prompt;
import dev.specula.sampling.Sampler;
import dev.specula.sampling.SamplerConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AdaptiveGammaTest {

    @Test
    void picksTheGammaWithTheMostTokensPerUnitTime() {
        // a = 0.5 everywhere, c = 0.25, memory-bound: E/T = 1, 1.5/1.25 = 1.2, 1.75/1.5 = 1.17, ...
        assertThat(new AdaptiveGamma(8, null, 0.25, 0.2, 0.5, 0).choose()).isEqualTo(1);
        // a = 0.9, c = 0.05: E/T keeps rising to γ = 8.
        assertThat(new AdaptiveGamma(8, null, 0.05, 0.2, 0.9, 0).choose()).isEqualTo(8);
        // a = 0.9, c = 0.05, but the target pass grows 30% per token: E/T for γ = 3, 4, 5 is
        // 3.439/2.05 = 1.678, 4.0951/2.4 = 1.706, 4.6856/2.75 = 1.704.
        assertThat(new AdaptiveGamma(8, SpeculativeGreedyTest.linearCost(9, 0.3), 0.05, 0.2, 0.9, 0).choose()).isEqualTo(4);
    }

    @Test
    void fallsBackToPlainDecodingWhenNothingBeatsIt() {
        // Compute-bound (r(k) = k): even certain acceptance only breaks even, and drafting costs extra.
        assertThat(new AdaptiveGamma(8, SpeculativeGreedyTest.linearCost(9, 1.0), 0.01, 0.2, 1.0, 0).choose()).isZero();
        // Free drafts but nothing accepted: a tie with plain decoding is not a win.
        assertThat(new AdaptiveGamma(8, null, 0.0, 0.2, 0.0, 0).choose()).isZero();
    }

    @Test
    void movesEachPositionTowardWhatItSaw() {
        AdaptiveGamma policy = new AdaptiveGamma(4, null, 0.1, 0.5, 0.5, 0);
        policy.observe(4, 1); // position 1 accepted, 2 rejected, 3 and 4 not judged
        assertThat(policy.acceptance(1)).isCloseTo(0.75, within(1e-12));
        assertThat(policy.acceptance(2)).isCloseTo(0.25, within(1e-12));
        assertThat(policy.acceptance(3)).isCloseTo(0.5, within(1e-12));
        policy.observe(2, 2);
        assertThat(policy.acceptance(2)).isCloseTo(0.625, within(1e-12));
        assertThat(policy.acceptance(3)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void neverVerifiesDraftsWhenTheyAreNeverAccepted() {
        int vocab = 16;
        TableModel target = new TableModel(vocab, 8, 1024, 1, 3f, 2f, 1000);
        // Negated logits: the draft's argmax is the target's argmin, never accepted.
        TableModel draft = new TableModel(vocab, 8, 1024, 1, -3f, -2f, 100);
        AdaptiveGamma policy = new AdaptiveGamma(8, null, 0.1, 0.2, 0.0, 4);
        Generation g = new SpeculativeDecoder(target, new ModelDrafter(draft), new Sampler(SamplerConfig.greedy(), vocab), policy)
                .generate(Prompt.of(1, 2, 3), 200, t -> false, t -> {});
        assertThat(g.tokens()).hasSize(200);
        assertThat(target.batchSizes.subList(1, target.batchSizes.size())).containsOnly(1);
        assertThat(g.stats().drafted()).as("probes keep measuring").isGreaterThan(40);
        assertThat(g.stats().accepted()).isZero();
        assertThat(policy.choose()).isZero();
    }

    @Test
    void returnsToPlainDecodingSoonAfterAcceptanceCollapses() {
        int vocab = 16;
        TableModel target = new TableModel(vocab, 8, 1024, 1, 3f, 2f, 1000);
        TableModel draft = new TableModel(vocab, 8, 1024, 1, -3f, -2f, 100);
        AdaptiveGamma policy = new AdaptiveGamma(8, null, 0.1); // starts optimistic
        new SpeculativeDecoder(target, new ModelDrafter(draft), new Sampler(SamplerConfig.greedy(), vocab), policy)
                .generate(Prompt.of(1, 2, 3), 200, t -> false, t -> {});
        int verifying = (int) target.batchSizes.stream().skip(1).filter(n -> n > 1).count();
        assertThat(verifying).isBetween(1, 10);
    }

    @Test
    void usesLongBlocksForAPerfectDraft() {
        int vocab = 16;
        TableModel target = new TableModel(vocab, 8, 1024, 1, 3f, 2f, 1000);
        AdaptiveGamma policy = new AdaptiveGamma(6, null, 0.1);
        Generation g = new SpeculativeDecoder(target, new ModelDrafter(target.copy()), new Sampler(SamplerConfig.greedy(), vocab), policy)
                .generate(Prompt.of(1, 2, 3), 200, t -> false, t -> {});
        assertThat(policy.choose()).isEqualTo(6);
        assertThat(g.stats().blockEfficiency()).isGreaterThan(5.5); // ramping up from a = 0.5 costs a little
    }
}
