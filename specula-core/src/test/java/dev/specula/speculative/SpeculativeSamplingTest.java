package dev.specula.speculative;

import dev.specula.model.Prompt;
import dev.specula.sampling.Sampler;
import dev.specula.sampling.SamplerConfig;
import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Speculative sampling must leave the output distribution exactly that of target-only sampling. The
 * joint distribution of the first four tokens (the first from the prompt pass, the rest from speculative
 * rounds: two proposals and a bonus) is compared by chi-square with the exact target-only distribution,
 * computed from the same Sampler's {@code distribution} over every prefix.
 */
class SpeculativeSamplingTest {
    private static final int VOCAB = 4;
    private static final int TOKENS = 4;
    private static final int SAMPLES = 20_000;
    private static final Prompt PROMPT = Prompt.of(1, 2, 3, 1, 2);

    private final TableModel target = new TableModel(VOCAB, 8, 64, 1, 1f, 1.5f, 1000);
    private final TableModel draft = new TableModel(VOCAB, 4, 64, 2, 1f, 1.5f, 100);

    @Test
    void modelDraftKeepsTheTargetDistribution() {
        SamplerConfig config = new SamplerConfig(1f, 0, 1f, 0f, 11);
        assertThat(pValue(config, () -> new ModelDrafter(draft), RejectionRule.STANDARD)).isGreaterThan(0.001);
    }

    @Test
    void modelDraftKeepsTheFilteredTargetDistribution() {
        SamplerConfig config = new SamplerConfig(0.7f, 3, 0.95f, 0.05f, 12);
        assertThat(pValue(config, () -> new ModelDrafter(draft), RejectionRule.STANDARD)).isGreaterThan(0.001);
    }

    @Test
    void ngramDraftKeepsTheTargetDistribution() {
        SamplerConfig config = new SamplerConfig(1f, 0, 1f, 0f, 13);
        assertThat(pValue(config, () -> new NgramDrafter(3), RejectionRule.STANDARD)).isGreaterThan(0.001);
    }

    @Test
    void alwaysAcceptingFailsTheSameTest() {
        RejectionRule alwaysAccept = new RejectionRule() {
            public boolean accept(float p, float q, float u) {
                return true;
            }

            public void residual(float[] p, float[] q, int token, float[] out) {
                RejectionRule.STANDARD.residual(p, q, token, out);
            }
        };
        SamplerConfig config = new SamplerConfig(1f, 0, 1f, 0f, 11);
        assertThat(pValue(config, () -> new ModelDrafter(draft), alwaysAccept)).isLessThan(0.001);
    }

    @Test
    void resamplingFromTheTargetInsteadOfTheResidualFailsTheSameTest() {
        RejectionRule noResidual = new RejectionRule() {
            public boolean accept(float p, float q, float u) {
                return RejectionRule.STANDARD.accept(p, q, u);
            }

            public void residual(float[] p, float[] q, int token, float[] out) {
                System.arraycopy(p, 0, out, 0, p.length);
            }
        };
        SamplerConfig config = new SamplerConfig(1f, 0, 1f, 0f, 11);
        assertThat(pValue(config, () -> new ModelDrafter(draft), noResidual)).isLessThan(0.001);
    }

    @Test
    void chiSquarePValuesMatchTables() {
        assertThat(ChiSquare.pValue(3.841459, 1)).isCloseTo(0.05, within(1e-6));
        assertThat(ChiSquare.pValue(18.307038, 10)).isCloseTo(0.05, within(1e-6));
        assertThat(ChiSquare.pValue(124.342113, 100)).isCloseTo(0.05, within(1e-6));
        assertThat(ChiSquare.pValue(2.0, 4)).isCloseTo(0.7357589, within(1e-6));
        assertThat(ChiSquare.pValue(0.0, 3)).isEqualTo(1.0);
    }

    private double pValue(SamplerConfig config, Supplier<Drafter> drafter, RejectionRule rule) {
        Sampler sampler = new Sampler(config, VOCAB);
        SpeculativeDecoder decoder = new SpeculativeDecoder(target, drafter.get(), sampler, new FixedGamma(TOKENS),
                new SamplingVerifier(sampler, rule));
        long[] counts = new long[1 << (2 * TOKENS)];
        long drafted = 0, accepted = 0;
        for (int i = 0; i < SAMPLES; i++) {
            Generation g = decoder.generate(PROMPT, TOKENS, t -> false, t -> {});
            assertThat(g.tokens()).hasSize(TOKENS);
            counts[index(g.tokens(), TOKENS)]++;
            drafted += g.stats().drafted();
            accepted += g.stats().accepted();
        }
        // The test means something only if the correct rule both accepts and rejects.
        if (rule == RejectionRule.STANDARD) assertThat((double) accepted / drafted).isBetween(0.02, 0.98);
        return ChiSquare.goodnessOfFit(counts, exact(config));
    }

    /** P(t1..t4) under target-only sampling, from the sampler's distribution over every prefix. */
    private double[] exact(SamplerConfig config) {
        Sampler sampler = new Sampler(config, VOCAB);
        TableModel model = target.copy();
        float[] logits = new float[VOCAB];
        model.truncate(0);
        PROMPT.feed(model, logits);
        double[] out = new double[1 << (2 * TOKENS)];
        fill(model, sampler, logits, new int[TOKENS], 0, 1.0, out);
        return out;
    }

    private void fill(TableModel model, Sampler sampler, float[] logits, int[] prefix, int depth, double mass, double[] out) {
        float[] p = new float[VOCAB];
        sampler.distribution(logits, 0, p);
        int position = model.position();
        for (int t = 0; t < VOCAB; t++) {
            if (p[t] == 0) continue;
            prefix[depth] = t;
            if (depth + 1 == TOKENS) {
                out[index(prefix, TOKENS)] += mass * p[t];
                continue;
            }
            float[] next = new float[VOCAB];
            model.forward(new int[] {t}, 1, 1, next);
            fill(model, sampler, next, prefix, depth + 1, mass * p[t], out);
            model.truncate(position);
        }
    }

    private static int index(int[] tokens, int n) {
        int index = 0;
        for (int i = 0; i < n; i++) index = index * VOCAB + tokens[i];
        return index;
    }
}
