package dev.specula.model;

import dev.specula.Fixtures;
import dev.specula.sampling.Sampler;
import dev.specula.sampling.TopLogits;
import dev.specula.sampling.SamplerConfig;
import dev.specula.model.Generator.Generation;
import dev.specula.model.Generator.StopReason;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GeneratorTest {
    private static final Path DIVERSE = Fixtures.own("tiny-llava-lm-diverse-f16.gguf");
    private static final int[] PROMPT = {1, 410, 471, 437, 459, 461, 467};

    private static Generator greedy(LlamaModel model) {
        return new Generator(model, new Sampler(SamplerConfig.greedy(), model.vocabSize()), t -> t == 2);
    }

    @Test
    void freeRunningGreedyReproducesLlamaCppText() {
        ExpectedRun run = ExpectedRun.read("expected/stories260K/prompt3.json");
        try (LlamaModel model = TestModels.open(run.modelPath())) {
            Generator g = new Generator(model, new Sampler(SamplerConfig.greedy(), model.vocabSize()), t -> t == 2, 5);
            g.prompt(run.prompt());
            Generation out = g.generate(64, null);
            assertThat(out.tokens()).containsExactly(run.tokens());
            assertThat(out.stop()).isEqualTo(StopReason.LENGTH);
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < out.tokens().length; i++) hex.append(run.steps().get(i).pieceHex());
            assertThat(hex.toString()).isEqualTo(run.textHex());
            for (int i = 0; i < out.tokens().length; i++) {
                TopLogits top = out.topLogits().get(i);
                // Near-equal logits below the first may swap places, so the ids are compared only at the top.
                assertThat(top.ids()[0]).as("step %d", i).isEqualTo(out.tokens()[i]);
                assertThat(top.logits()).as("step %d", i).containsExactly(run.steps().get(i).topLogits(), within(0.05f));
            }
            assertThat(out.stats().promptTokens()).isEqualTo(run.prompt().length);
            assertThat(out.stats().generatedTokens()).isEqualTo(64);
            assertThat(out.stats().decodeTokensPerSecond()).isPositive();
            assertThat(out.stats().millisPerToken()).isPositive();
            assertThat(model.position()).as("the last token is not evaluated").isEqualTo(run.prompt().length + 63);
        }
    }

    @Test
    void resumingGenerationContinuesTheSameSequence() {
        try (LlamaModel a = TestModels.open(DIVERSE); LlamaModel b = TestModels.open(DIVERSE)) {
            Generator one = greedy(a), two = greedy(b);
            one.prompt(PROMPT);
            two.prompt(PROMPT);
            int[] whole = one.generate(20, null).tokens();
            int[] first = two.generate(7, null).tokens();
            int[] rest = two.generate(13, null).tokens();
            int[] joined = new int[20];
            System.arraycopy(first, 0, joined, 0, 7);
            System.arraycopy(rest, 0, joined, 7, 13);
            assertThat(joined).containsExactly(whole);
        }
    }

    @Test
    void stopsAtEndOfGenerationWithoutEmittingIt() {
        try (LlamaModel model = TestModels.open(DIVERSE)) {
            Generator g = greedy(model);
            g.prompt(PROMPT);
            int[] free = g.generate(12, null).tokens();
            model.truncate(0);
            int eog = free[5];
            Generator stopping = new Generator(model, new Sampler(SamplerConfig.greedy(), model.vocabSize()), t -> t == eog);
            stopping.prompt(PROMPT);
            Generation out = stopping.generate(12, null);
            int firstEog = 0;
            while (free[firstEog] != eog) firstEog++;
            assertThat(out.stop()).isEqualTo(StopReason.END_OF_GENERATION);
            assertThat(out.tokens()).containsExactly(java.util.Arrays.copyOf(free, firstEog));
        }
    }

    @Test
    void stopsAtTheContextLimit() {
        try (LlamaModel model = TestModels.open(DIVERSE, LlamaModel.Options.defaults().withContextLength(PROMPT.length + 5))) {
            Generator g = greedy(model);
            g.prompt(PROMPT);
            Generation out = g.generate(-1, null);
            assertThat(out.stop()).isEqualTo(StopReason.CONTEXT_FULL);
            assertThat(out.tokens()).hasSize(6);
            assertThat(model.position()).isEqualTo(model.contextLength());
            assertThatThrownBy(() -> g.prompt(new int[]{5})).hasMessageContaining("does not fit");
        }
    }

    @Test
    void listenerSeesEveryTokenAndCanStop() {
        try (LlamaModel model = TestModels.open(DIVERSE)) {
            Generator g = greedy(model);
            g.prompt(PROMPT);
            List<Integer> seen = new ArrayList<>();
            Generation out = g.generate(30, t -> {
                seen.add(t);
                return seen.size() < 4;
            });
            assertThat(out.stop()).isEqualTo(StopReason.CALLER);
            assertThat(out.tokens()).hasSize(4);
            assertThat(seen).containsExactly(out.tokens()[0], out.tokens()[1], out.tokens()[2], out.tokens()[3]);
        }
    }

    @Test
    void promptEmbeddingsThenTokensEqualsAllTokens() {
        try (LlamaModel a = TestModels.open(DIVERSE); LlamaModel b = TestModels.open(DIVERSE)) {
            Generator plain = greedy(a), mixed = greedy(b);
            plain.prompt(PROMPT);
            int dim = b.embeddingLength();
            float[] embeddings = new float[3 * dim];
            for (int i = 0; i < 3; i++) b.embed(PROMPT[i], embeddings, i * dim);
            mixed.promptEmbeddings(embeddings, 3);
            mixed.prompt(java.util.Arrays.copyOfRange(PROMPT, 3, PROMPT.length));
            Generation x = plain.generate(10, null), y = mixed.generate(10, null);
            assertThat(y.tokens()).containsExactly(x.tokens());
            assertThat(y.stats().promptTokens()).isEqualTo(PROMPT.length);
        }
    }

    @Test
    void seededSamplingIsReproducible() {
        SamplerConfig config = new SamplerConfig(1.5f, 40, 0.95f, 0.02f, 77);
        List<int[]> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try (LlamaModel model = TestModels.open(DIVERSE)) {
                Generator g = new Generator(model, new Sampler(config, model.vocabSize()), t -> false);
                g.prompt(PROMPT);
                runs.add(g.generate(24, null).tokens());
            }
        }
        assertThat(runs.get(1)).containsExactly(runs.get(0));
    }

    @Test
    void generatingBeforeAnyPromptIsAnError() {
        try (LlamaModel model = TestModels.open(DIVERSE)) {
            assertThatThrownBy(() -> greedy(model).generate(3, null)).hasMessageContaining("evaluate a prompt first");
        }
    }

    @Test
    void topLogitsAreTheLargestInOrderWithLowerIdsFirstOnTies() {
        Random r = new Random(9);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(40);
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = r.nextInt(6);
            int k = 1 + r.nextInt(8);
            TopLogits top = TopLogits.of(x, 0, n, k);
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) ids.add(i);
            ids.sort((p, q) -> x[p] != x[q] ? Float.compare(x[q], x[p]) : Integer.compare(p, q));
            assertThat(top.ids()).containsExactly(ids.subList(0, Math.min(k, n)).stream().mapToInt(Integer::intValue).toArray());
            for (int i = 0; i < top.ids().length; i++) assertThat(top.logits()[i]).isEqualTo(x[top.ids()[i]]);
        }
    }

}
