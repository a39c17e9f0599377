package dev.specula.speculative;

import dev.specula.model.Prompt;
import dev.specula.sampling.Sampler;
import dev.specula.sampling.SamplerConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class SpeculativeGreedyTest {
    private static final int VOCAB = 16;
    private static final IntPredicate EOG = t -> t == 0;

    private enum Kind { MODEL, ADAPTER, NGRAM }

    @Test
    void greedySpeculativeEqualsTargetOnlyForEveryDrafterAndGamma() {
        Random random = new Random(7);
        int eogStops = 0, lengthStops = 0, contextStops = 0;
        for (int trial = 0; trial < 900; trial++) {
            Kind kind = Kind.values()[trial % 3];
            boolean image = kind != Kind.NGRAM && random.nextBoolean() || kind == Kind.ADAPTER;
            int[] before = randomTokens(random, 1 + random.nextInt(12));
            int[] after = randomTokens(random, 1 + random.nextInt(12));
            int imageRows = 1 + random.nextInt(6);
            int firstImageId = 100 + random.nextInt(1000);
            Prompt prompt = image
                    ? new Prompt(List.of(new Prompt.Text(before), imageRows(firstImageId, imageRows, 8), new Prompt.Text(after)))
                    : Prompt.of(concat(before, after));
            int maxTokens = 1 + random.nextInt(40);
            boolean tightTarget = random.nextInt(4) == 0;
            int targetContext = tightTarget ? prompt.length() + 1 + random.nextInt(20) : 512;
            boolean tightDraft = random.nextInt(4) == 0;
            TableModel target = new TableModel(VOCAB, 8, targetContext, 1 + random.nextInt(3), 3f, 2f, 1000);
            float ownNoise = random.nextBoolean() ? 0.5f : 2.5f;
            int draftText = before.length + after.length;
            int draftContext = tightDraft ? draftText + (kind == Kind.ADAPTER ? imageRows : 0) + 1 + random.nextInt(10) : 512;
            TableModel draftModel = new TableModel(VOCAB, 4, draftContext, 10 + random.nextInt(5), 3f, ownNoise, 100);

            int gammaMax = 1 + random.nextInt(8);
            boolean adaptive = random.nextInt(3) == 0;
            GammaPolicy policy = adaptive
                    ? new AdaptiveGamma(gammaMax, random.nextBoolean() ? null : linearCost(gammaMax + 1, 0.3), random.nextDouble() * 0.3, 0.3, 0.6, 3)
                    : new FixedGamma(gammaMax);
            int maxPending = tightDraft || adaptive ? Integer.MAX_VALUE : 2;
            Drafter drafter = switch (kind) {
                case MODEL -> new CheckedDrafter(new ModelDrafter(draftModel), draftModel, concat(before, after), maxPending);
                case ADAPTER -> new CheckedDrafter(
                        new AdapterDrafter(draftModel, imageRows(firstImageId, imageRows, 4).embeddings(), imageRows),
                        draftModel, concat(before, idRange(firstImageId, imageRows), after), maxPending);
                case NGRAM -> new NgramDrafter(1 + random.nextInt(4));
            };

            Generation expected = Reference.greedy(target.copy(), prompt, maxTokens, EOG);
            Sampler sampler = new Sampler(SamplerConfig.greedy(), VOCAB);
            Generation actual = new SpeculativeDecoder(target, drafter, sampler, policy).generate(prompt, maxTokens, EOG, t -> {});

            String where = "trial " + trial + " " + kind + " gamma " + gammaMax + (adaptive ? " adaptive" : "");
            assertThat(actual.tokens()).as(where).containsExactly(expected.tokens());
            assertThat(actual.stop()).as(where).isEqualTo(expected.stop());
            assertThat(target.batchSizes.subList(prompt.parts().size(), target.batchSizes.size())).as(where)
                    .allSatisfy(n -> assertThat(n).isBetween(1, gammaMax + 1));
            SpecStats stats = actual.stats();
            assertThat(stats.generated()).as(where).isEqualTo(actual.tokens().length + (actual.stop() == StopReason.EOG ? 1 : 0));
            assertThat(stats.targetCalls()).as(where).isEqualTo(target.batchSizes.size() - prompt.parts().size() + 1);
            assertThat(stats.blockEfficiency()).as(where).isBetween(1.0, gammaMax + 1.0);
            if (kind == Kind.MODEL) {
                assertThat(draftModel.embeddingCalls).as("the draft never sees the image").isZero();
            }
            if (kind == Kind.ADAPTER) {
                assertThat(draftModel.embeddingCalls).isEqualTo(1);
            }
            if (kind != Kind.NGRAM) {
                // One draft pass per proposal after the prefill: rejections never re-prefill.
                int prefillCalls = kind == Kind.ADAPTER ? 3 : 1;
                assertThat(stats.draftCalls()).as(where).isEqualTo(prefillCalls + stats.drafted());
            }
            switch (actual.stop()) {
                case EOG -> eogStops++;
                case LENGTH -> lengthStops++;
                case CONTEXT -> contextStops++;
            }
        }
        assertThat(List.of(eogStops, lengthStops, contextStops)).as("every way to stop is exercised").allSatisfy(n -> assertThat(n).isGreaterThan(20));
    }

    @Test
    void identicalDraftIsAlwaysAcceptedAndFillsEveryBlock() {
        TableModel target = new TableModel(VOCAB, 8, 512, 1, 3f, 2f, 1000);
        TableModel draft = target.copy();
        Prompt prompt = Prompt.of(3, 5, 7, 9);
        int rounds = 10, gamma = 4;
        Generation g = new SpeculativeDecoder(target, new ModelDrafter(draft), new Sampler(SamplerConfig.greedy(), VOCAB),
                new FixedGamma(gamma)).generate(prompt, 1 + rounds * (gamma + 1), t -> false, t -> {});
        SpecStats s = g.stats();
        assertThat(s.acceptanceRate()).isEqualTo(1.0);
        assertThat(s.targetCalls()).isEqualTo(rounds + 1);
        assertThat(s.blockEfficiency()).isEqualTo((1.0 + rounds * (gamma + 1)) / (rounds + 1));
        assertThat(s.mbsu()).isEqualTo(s.blockEfficiency() / (1 + 1.0 * gamma)); // draft as large as the target
        assertThat(target.batchSizes.subList(1, target.batchSizes.size())).containsOnly(gamma + 1);
    }

    private static Prompt.Image imageRows(int firstId, int rows, int width) {
        float[] e = new float[rows * width];
        for (int i = 0; i < rows; i++) {
            e[i * width] = firstId + i;
            for (int j = 1; j < width; j++) e[i * width + j] = 0.25f * j;
        }
        return new Prompt.Image(e, rows);
    }

    private static int[] idRange(int first, int n) {
        return IntStream.range(first, first + n).toArray();
    }

    private static int[] randomTokens(Random random, int n) {
        return IntStream.range(0, n).map(i -> 1 + random.nextInt(VOCAB - 1)).toArray();
    }

    private static int[] concat(int[]... parts) {
        List<Integer> all = new ArrayList<>();
        for (int[] p : parts) for (int t : p) all.add(t);
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    /** r(k) = 1 + slope·(k-1). */
    static double[] linearCost(int n, double slope) {
        return IntStream.range(0, n).mapToDouble(k -> 1 + slope * k).toArray();
    }
}
