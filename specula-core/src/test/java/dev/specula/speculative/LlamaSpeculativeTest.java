package dev.specula.speculative;

import dev.specula.model.Prompt;
import dev.specula.Fixtures;
import dev.specula.gguf.GgufFile;
import dev.specula.model.LanguageModel;
import dev.specula.model.LlamaModel;
import dev.specula.model.TestModels;
import dev.specula.sampling.Sampler;
import dev.specula.sampling.SamplerConfig;
import dev.specula.tensor.GgmlType;
import dev.specula.tensor.Parallel;
import dev.specula.text.Tokenizer;
import dev.specula.vision.ClipEncoder;
import dev.specula.vision.ImageEmbedding;
import dev.specula.vision.ImageFeatures;
import dev.specula.vision.MmprojShape;
import dev.specula.vision.MmprojSynth;
import dev.specula.vision.Projector;
import dev.specula.vision.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Speculative decoding on the fixture models: LLaVA-shaped targets, the 128-wide draft with the same
 * 512 vocabulary, and the tiny CLIP tower for images. Greedy output must equal target-only greedy output.
 */
class LlamaSpeculativeTest {
    private static final int MAX_TOKENS = 24;
    /** "USER: Hello there.\nASSISTANT:" as llama.cpp tokenizes it (expected/tiny-llava/*__text.json). */
    private static final int[] HELLO = {1, 410, 471, 437, 459, 461, 467, 346, 306, 414, 383, 426, 13, 447, 437, 437, 442, 437, 434, 447, 458, 434, 467};
    /** "USER: <image>\nDescribe the image.\nASSISTANT:" around the image, chunk by chunk. */
    private static final int[] BEFORE_IMAGE = {1, 410, 471, 437, 459, 461, 467, 410};
    private static final int[] AFTER_IMAGE = {410, 13, 455, 406, 429, 325, 430, 411, 265, 410, 288, 412, 428, 411, 426, 13, 447, 437, 437, 442, 437, 434, 447, 458, 434, 467};

    /** One thread: these models are tiny, and on a busy machine handing work to a second thread costs more than it saves. */
    private static final Parallel POOL = new Parallel(1);

    @TempDir
    static Path tmp;

    private static LlamaModel diverse, plain, draft, diverseTwin;
    private static Tokenizer tokenizer;
    private static ImageEmbedding targetImage;
    private static ImageEmbedding draftImage;

    @BeforeAll
    static void open() throws IOException {
        diverse = open("tiny-llava-lm-diverse-f16.gguf");
        diverseTwin = open("tiny-llava-lm-diverse-f16.gguf");
        plain = open("tiny-llava-lm-f16.gguf");
        draft = open("tiny-draft-f16.gguf");
        try (GgufFile f = TestModels.gguf(Fixtures.own("tiny-llava-lm-diverse-f16.gguf"))) {
            tokenizer = Tokenizer.fromGguf(f.metadata());
        }
        // The target's tower runs once; the draft's own projector (random, 128 wide) maps the same features.
        Path draftMmproj = tmp.resolve("draft-mmproj.gguf");
        MmprojSynth.write(draftMmproj, MmprojShape.named("tiny").withProjection(draft.embeddingLength()), GgmlType.F16, 5, null);
        byte[] rgb = Files.readAllBytes(Fixtures.own("expected/decoded_rgb/shapes_160x120.rgb"));
        try (ClipEncoder clip = ClipEncoder.open(Fixtures.own("tiny-llava-mmproj-f16.gguf"), POOL);
             Projector draftProjector = Projector.open(draftMmproj, POOL)) {
            ImageFeatures features = clip.encodeFeatures(clip.preprocessor().preprocess(new RgbImage(160, 120, rgb)));
            targetImage = clip.project(features);
            draftImage = draftProjector.project(features);
        }
    }

    @AfterAll
    static void close() {
        for (LanguageModel m : new LanguageModel[] {diverse, diverseTwin, plain, draft}) if (m != null) m.close();
        POOL.close();
    }

    private static LlamaModel open(String name) throws IOException {
        return LlamaModel.open(Fixtures.own(name), POOL, LlamaModel.Options.defaults().withContextLength(256));
    }

    @Test
    void greedySpeculativeEqualsTargetOnlyOnTextPrompts() {
        Random random = new Random(5);
        List<Prompt> prompts = new ArrayList<>(List.of(Prompt.of(HELLO)));
        for (int i = 0; i < 2; i++) {
            prompts.add(Prompt.of(IntStream.range(0, 4 + random.nextInt(16)).map(k -> 3 + random.nextInt(509)).toArray()));
        }
        long accepted = 0;
        for (LlamaModel target : List.of(diverse, plain)) {
            for (Prompt prompt : prompts) {
                Generation expected = Reference.greedy(target, prompt, MAX_TOKENS, eog());
                for (int gamma = 1; gamma <= 8; gamma++) {
                    Drafter drafter = gamma % 2 == 0 ? new ModelDrafter(draft) : new NgramDrafter(1 + gamma / 3);
                    Generation actual = greedy(target, drafter, new FixedGamma(gamma), prompt);
                    assertThat(actual.tokens()).as("γ %d, %s", gamma, drafter.getClass().getSimpleName())
                            .containsExactly(expected.tokens());
                    assertThat(actual.stop()).isEqualTo(expected.stop());
                    accepted += actual.stats().accepted();
                }
            }
        }
        // The unrelated random draft is almost never right; n-gram lookup on the repetitive f16 model often is.
        assertThat(accepted).as("accepted proposals over all runs").isGreaterThan(50);
    }

    @Test
    void greedySpeculativeEqualsTargetOnlyWithAnImage() {
        Prompt prompt = new Prompt(List.of(new Prompt.Text(BEFORE_IMAGE),
                new Prompt.Image(targetImage.data(), targetImage.tokens()), new Prompt.Text(AFTER_IMAGE)));
        for (LlamaModel target : List.of(diverse, plain)) {
            Generation expected = Reference.greedy(target, prompt, MAX_TOKENS, eog());
            for (int gamma : new int[] {2, 5, 8}) {
                Generation text = greedy(target, new ModelDrafter(draft), new FixedGamma(gamma), prompt);
                assertThat(text.tokens()).as("text-only draft, γ %d", gamma).containsExactly(expected.tokens());
                assertThat(draft.position()).as("the draft never saw the image")
                        .isLessThan(BEFORE_IMAGE.length + AFTER_IMAGE.length + MAX_TOKENS);
                Generation adapter = greedy(target, new AdapterDrafter(draft, draftImage.data(), draftImage.tokens()),
                        new FixedGamma(gamma), prompt);
                assertThat(adapter.tokens()).as("adapter draft, γ %d", gamma).containsExactly(expected.tokens());
            }
        }
    }

    @Test
    void aDraftIdenticalToTheTargetIsAlwaysAccepted() {
        // Batched verification must give the logits single-token decoding gives, or even a perfect draft is rejected.
        Prompt prompt = Prompt.of(HELLO);
        Generation expected = Reference.greedy(diverse, prompt, MAX_TOKENS, eog());
        for (int gamma : new int[] {2, 5, 8}) {
            Generation g = greedy(diverse, new ModelDrafter(diverseTwin), new FixedGamma(gamma), prompt);
            assertThat(g.tokens()).containsExactly(expected.tokens());
            assertThat(g.stats().acceptanceRate()).as("γ %d", gamma).isEqualTo(1.0);
            assertThat(g.stats().mbsu()).isCloseTo(g.stats().blockEfficiency() / (1 + g.stats().meanGamma()),
                    org.assertj.core.api.Assertions.within(1e-12));
        }
    }

    @Test
    void samplingIsReproducibleAndUsesTheDraft() {
        SamplerConfig config = new SamplerConfig(0.8f, 40, 0.95f, 0.05f, 1234);
        Prompt prompt = Prompt.of(HELLO);
        int[] first = null;
        for (int run = 0; run < 2; run++) {
            SpeculativeDecoder decoder = new SpeculativeDecoder(plain, new ModelDrafter(draft),
                    new Sampler(config, plain.vocabSize()), new FixedGamma(4));
            Generation g = decoder.generate(prompt, MAX_TOKENS, eog(), t -> {});
            assertThat(g.stats().drafted()).isPositive();
            if (first == null) first = g.tokens();
            else assertThat(g.tokens()).containsExactly(first);
        }
    }

    @Test
    void fixtureDraftSharesTheTargetVocabulary() throws IOException {
        try (GgufFile f = TestModels.gguf(Fixtures.own("tiny-draft-f16.gguf"))) {
            Tokenizer draftTokenizer = Tokenizer.fromGguf(f.metadata());
            assertThatCode(() -> check(tokenizer, draftTokenizer)).doesNotThrowAnyException();
        }
    }

    @Test
    void refusesADraftWithAnotherVocabulary() {
        try (GgufFile f = TestModels.gguf(Fixtures.shared("ggml-vocab-llama-spm.gguf"))) {
            Tokenizer llama2 = Tokenizer.fromGguf(f.metadata());
            assertThatThrownBy(() -> check(tokenizer, llama2))
                    .hasMessageContaining("target has 512 tokens, draft 32000")
                    .hasMessageContaining("tokens differ");
        }
    }

    private static void check(Tokenizer target, Tokenizer draft) {
        VocabularyCheck.requireCompatible(texts(target), specials(target), texts(draft), specials(draft));
    }

    private static String[] texts(Tokenizer t) {
        return IntStream.range(0, t.vocabSize()).mapToObj(t::tokenText).toArray(String[]::new);
    }

    private static boolean[] specials(Tokenizer t) {
        boolean[] out = new boolean[t.vocabSize()];
        for (int id = 0; id < out.length; id++) out[id] = t.isSpecial(id);
        return out;
    }

    private static Generation greedy(LlamaModel target, Drafter drafter, GammaPolicy gamma, Prompt prompt) {
        return new SpeculativeDecoder(target, drafter, new Sampler(SamplerConfig.greedy(), target.vocabSize()), gamma)
                .generate(prompt, MAX_TOKENS, eog(), t -> {});
    }

    private static IntPredicate eog() {
        return tokenizer::isEndOfGeneration;
    }
}
