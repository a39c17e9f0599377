package dev.specula.cli;

import dev.specula.engine.Engine;
import dev.specula.engine.EngineConfig;
import dev.specula.engine.Listener;
import dev.specula.engine.Message;
import dev.specula.engine.Request;
import dev.specula.engine.Result;
import dev.specula.gguf.GgufMetadata;
import dev.specula.gguf.GgufValue;
import dev.specula.image.ImageLoader;
import dev.specula.model.Prompt;
import dev.specula.sampling.SamplerConfig;
import dev.specula.sampling.TopLogits;
import dev.specula.text.ChatTemplate;
import dev.specula.text.PromptAssembler;
import dev.specula.text.Tokenizer;
import dev.specula.train.AdamW;
import dev.specula.train.SceneWorld;
import dev.specula.train.Task;
import dev.specula.train.TrainableLlama;
import dev.specula.train.TrainedGguf;
import dev.specula.train.Trainer;
import dev.specula.train.WorldExamples;
import dev.specula.train.WorldVocabulary;
import dev.specula.vision.ImageFeatures;
import dev.specula.vision.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DistillationTest {

    private static final SceneWorld WORLD = new SceneWorld(1);
    private static final String[] DRAFT_SHAPE = {"--dim", "24", "--layers", "1", "--heads", "2", "--kv-heads", "1", "--ff", "48", "--seed", "5"};

    @TempDir
    Path dir;

    @Test
    void sequenceTargetsTheAnswerAndTheEndTokenOnly() {
        Trainer.Sequence s = Distillation.sequence(new int[] {1, 7, 8}, new int[] {20, 21}, 2);
        assertThat(s.ids()).containsExactly(1, 7, 8, 20, 21);
        assertThat(s.targets()).containsExactly(-1, -1, 20, 21, 2);

        Trainer.Sequence cut = Distillation.sequence(new int[] {1, 7, 8}, new int[] {20, 21}, -1);
        assertThat(cut.ids()).containsExactly(1, 7, 8, 20);
        assertThat(cut.targets()).containsExactly(-1, -1, 20, 21);
    }

    @Test
    void softTargetsKeepTheImageAndSitAfterItsRows() {
        // BOS, two image rows, prompt tokens 7 8, answer 20 21, end 2: the prompt's last position is 4.
        float[] features = {1, 2, 3, 4}, weights = {1, 1, 1, 1, 3, 1, 1};
        Trainer.Sequence s = new Trainer.Sequence(new int[] {1, 7, 8, 20, 21}, new int[] {-1, -1, -1, -1, 20, 21, 2},
                1, features, 2, weights, null);
        // The adapter draft's sequence from the engine's prompt pieces (BOS | image | 7 8) is that one, weights aside.
        Trainer.Sequence built = Distillation.sequence(List.of(new int[] {1}, new int[] {7, 8}), new ImageFeatures(2, 2, features),
                new int[] {20, 21}, 2);
        assertThat(built.ids()).containsExactly(s.ids());
        assertThat(built.targets()).containsExactly(s.targets());
        assertThat(built.imageAt()).isEqualTo(1);
        assertThat(built.imageRows()).isEqualTo(2);
        assertThat(built.features()).isSameAs(features);
        // An image that ends the prompt: its last row predicts the answer.
        assertThat(Distillation.sequence(List.of(new int[] {1, 7}, new int[0]), new ImageFeatures(2, 2, features), new int[] {20}, 2).targets())
                .containsExactly(-1, -1, -1, 20, 2);
        List<TopLogits> tops = List.of(new TopLogits(new int[] {20, 5}, new float[] {2f, 1f}),
                new TopLogits(new int[] {21, 6}, new float[] {0.5f, 0.5f}));
        for (Trainer.Sequence seq : List.of(s, built)) {
            Trainer.Sequence soft = Distillation.withSoftTargets(seq, 3, tops, 2);
            assertThat(soft.imageAt()).isEqualTo(1);
            assertThat(soft.imageRows()).isEqualTo(2);
            assertThat(soft.features()).isSameAs(features);
            assertThat(soft.weights()).isSameAs(seq.weights());
            assertThat(soft.soft().ids()).containsExactly(-1, -1, -1, -1, -1, -1, -1, -1, 20, 5, 21, 6, -1, -1);
            assertThat(soft.soft().probs()[8]).isCloseTo((float) (1 / (1 + Math.exp(-1))), within(1e-6f));
            assertThat(soft.soft().probs()[10]).isEqualTo(0.5f);
        }
    }

    @Test
    void distillationRaisesTheDraftsAcceptanceOnHeldOutPrompts() throws Exception {
        Map<String, GgufValue> vocab = WorldVocabulary.train(WorldVocabulary.corpus(WORLD, 300), 2);
        Tokenizer tok = Tokenizer.fromGguf(new GgufMetadata(vocab));
        int vocabSize = ((String[]) vocab.get("tokenizer.ggml.tokens").value()).length;
        Path target = dir.resolve("target.gguf");
        TrainedGguf.writeLlama(target, tinyTarget(tok, vocabSize), "tiny-target", vocab);

        Path prompts = dir.resolve("prompts.jsonl");
        List<String> lines = new ArrayList<>();
        Set<String> distilled = new HashSet<>();
        for (int i = 0; i < 48; i++) {
            String q = qa(SceneWorld.Split.TRAIN, i);
            distilled.add(q);
            lines.add(Json.MAPPER.createObjectNode().put("id", "train-" + i).put("prompt", q).toString());
        }
        Files.write(prompts, lines);
        // Held out: validation scenes whose question is not among the distilled prompts.
        List<String> heldOut = new ArrayList<>();
        for (int i = 0; heldOut.size() < 12; i++) {
            String q = qa(SceneWorld.Split.VALIDATION, i);
            if (!distilled.contains(q)) heldOut.add(q);
        }

        // Before: the draft distillation starts from (the shape and seed of DRAFT_SHAPE, no steps).
        Path before = dir.resolve("before.gguf");
        TrainedGguf.writeLlama(before, new TrainableLlama(new TrainableLlama.Shape(vocabSize, 24, 1, 2, 1, 48, 256), 5), "before", vocab);
        Path tokens = distil(target, prompts, "tokens.gguf");
        Path logits = distil(target, prompts, "logits.gguf", "--distill-logits", "8");

        // The same draft trained as long on the reference answers instead of the target's own.
        Path reference = dir.resolve("reference.gguf");
        TrainedGguf.writeLlama(reference, trainedOnReferences(tok, vocabSize), "reference", vocab);

        double a0 = heldOutAcceptance(target, before, heldOut), a1 = heldOutAcceptance(target, tokens, heldOut);
        double a2 = heldOutAcceptance(target, logits, heldOut), a3 = heldOutAcceptance(target, reference, heldOut);
        System.out.printf("held-out acceptance: before distillation %.3f, after (greedy tokens) %.3f, after (tokens + top-8 logits) %.3f, reference-trained %.3f%n", a0, a1, a2, a3);
        assertThat(a1).isGreaterThan(a0 + 0.3);
        assertThat(a2).isGreaterThan(a0 + 0.3);
        assertThat(Math.min(a1, a2)).isGreaterThan(a3);
    }

    @Test
    void aPromptWithAnImageNeedsTheTargetsVisionTower() throws Exception {
        Path target = dir.resolve("t.gguf");
        Map<String, GgufValue> vocab = WorldVocabulary.train(WorldVocabulary.corpus(WORLD, 20), 2);
        int n = ((String[]) vocab.get("tokenizer.ggml.tokens").value()).length;
        TrainedGguf.writeLlama(target, new TrainableLlama(new TrainableLlama.Shape(n, 16, 1, 2, 1, 32, 64), 1), "t", vocab);
        Path prompts = dir.resolve("p.jsonl");
        Files.writeString(prompts, "{\"id\":\"a\",\"prompt\":\"Describe the image.\",\"image\":\"images/a.png\"}\n");
        CliRun run = CliRun.of("train", "--distill-from", target.toString(), "--prompts", prompts.toString(), "--quiet",
                "-o", dir.resolve("d.gguf").toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--mmproj");
        assertThatThrownBy(() -> Distillation.readPrompts(Files.writeString(dir.resolve("bad.jsonl"), "{\"id\":\"x\"}\n")))
                .hasMessageContaining("no \"prompt\"");
    }

    @Test
    void distilsAVisionTargetsAnswersAboutItsImages() throws Exception {
        Path target = dir.resolve("vt.gguf"), mmproj = dir.resolve("vt-mmproj.gguf"), data = dir.resolve("data");
        trainVisionTarget(target, mmproj);
        assertThat(Main.run("data", "--task", "caption", "--n", "3", "--split", "train", "-o", data.toString())).isZero();
        Path draft = dir.resolve("vd.gguf");
        CliRun run = CliRun.of("train", "--distill-from", target.toString(), "--mmproj", mmproj.toString(), "--prompts",
                data.resolve("data.jsonl").toString(), "--max-answer", "12", "--steps", "2", "--dim", "16", "--ff", "32",
                "--distill-logits", "4", "--quiet", "-o", draft.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("distilled 3 answers");

        // The draft shares the target's vocabulary, so the engine pairs them; lossless with the picture in the prompt.
        RgbImage picture = new ImageLoader().load(data.resolve("images/train-0.png"));
        try (Engine engine = Engine.load(EngineConfig.of(target).withMmproj(mmproj).withDraft(draft, null).withThreads(1), null)) {
            Request r = WorldExamples.request("Describe the image.", picture, SamplerConfig.greedy(), 12);
            assertThat(engine.generate(r, Listener.NONE).tokens()).isEqualTo(engine.generate(r.withUseDraft(false), Listener.NONE).tokens());
        }
    }

    @Test
    void distilsAnImageAdapterDraftThatReadsTheImageWhereTheEngineDoes() throws Exception {
        Path target = dir.resolve("vt.gguf"), mmproj = dir.resolve("vt-mmproj.gguf"), data = dir.resolve("data");
        trainVisionTarget(target, mmproj);
        assertThat(Main.run("data", "--task", "caption", "--n", "3", "--split", "train", "-o", data.toString())).isZero();
        Path prompts = data.resolve("data.jsonl");
        Files.writeString(prompts, "{\"id\":\"text\",\"prompt\":\"Describe a red circle.\"}\n", java.nio.file.StandardOpenOption.APPEND);
        List<Distillation.Line> lines = Distillation.readPrompts(prompts);
        assertThat(lines.stream().filter(l -> l.image() != null)).hasSize(3);

        Path draft = dir.resolve("ad.gguf"), projector = dir.resolve("ad-projector.gguf");
        CliRun run = CliRun.of("train", "--distill-from", target.toString(), "--adapter-for", mmproj.toString(), "--mmproj-out",
                projector.toString(), "--prompts", prompts.toString(), "--max-answer", "12", "--steps", "2", "--dim", "16", "--ff", "32",
                "--distill-logits", "4", "--quiet", "-o", draft.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("distilled 4 answers").contains("and " + projector);

        // The draft and its projector load as an adapter draft; lossless with the picture in the prompt.
        RgbImage picture = new ImageLoader().load(lines.getFirst().image());
        try (Engine engine = Engine.load(EngineConfig.of(target).withMmproj(mmproj).withDraft(draft, projector).withThreads(1), null)) {
            Request r = WorldExamples.request(lines.getFirst().prompt(), picture, SamplerConfig.greedy(), 12);
            Result spec = engine.generate(r, Listener.NONE);
            assertThat(spec.tokens()).isEqualTo(engine.generate(r.withUseDraft(false), Listener.NONE).tokens());
            assertThat(spec.stats().drafted()).isPositive();
        }

        // Every image's features sit where the engine's prompt holds the image, raw and in the chat template.
        try (var pool = new dev.specula.tensor.Parallel(1); var tower = dev.specula.vision.ClipEncoder.open(mmproj, pool)) {
            PromptAssembler assembler;
            try (var f = dev.specula.gguf.GgufFile.open(target)) {
                assembler = new PromptAssembler(Tokenizer.fromGguf(f.metadata()));
            }
            for (boolean chat : new boolean[] {false, true}) {
                List<Trainer.Sequence> seqs = Distillation.sequences(target, mmproj, lines, 12, chat, 4, tower, 1, false);
                for (int i = 0; i < lines.size(); i++) {
                    Distillation.Line l = lines.get(i);
                    Trainer.Sequence seq = seqs.get(i);
                    if (l.image() == null) {
                        assertThat(seq.imageRows()).isZero();
                        continue;
                    }
                    var features = tower.encodeFeatures(tower.preprocessor().preprocess(new ImageLoader().load(l.image())));
                    Prompt.Image rows = new Prompt.Image(features.data(), features.tokens());
                    Prompt engines = chat ? assembler.chat(ChatTemplate.LLAVA_SYSTEM_PROMPT, l.prompt(), List.of(rows))
                            : assembler.raw(WorldExamples.promptText(l.prompt()), List.of(rows));
                    int[] text = engines.textTokens();
                    int imageAt = 0;
                    for (Prompt.Part part : engines.parts()) {
                        if (part instanceof Prompt.Image) break;
                        imageAt += part.length();
                    }
                    assertThat(Arrays.copyOf(seq.ids(), text.length)).as(l.id()).containsExactly(text);
                    assertThat(seq.imageAt()).as(l.id()).isEqualTo(imageAt).isEqualTo(chat ? imageAt : 1);
                    assertThat(seq.imageRows()).isEqualTo(features.tokens());
                    assertThat(seq.features()).containsExactly(features.data());
                    int first = 0;
                    while (seq.targets()[first] < 0) first++;
                    assertThat(first).isEqualTo(features.tokens() + text.length - 1);
                    // Soft targets start at the same position, and the target's top-1 there is its greedy token.
                    int k = seq.soft().k(), firstSoft = 0;
                    while (seq.soft().ids()[firstSoft * k] < 0) firstSoft++;
                    assertThat(firstSoft).isEqualTo(first);
                    for (int t = first; t < seq.targets().length; t++) {
                        if (seq.soft().ids()[t * k] >= 0) assertThat(seq.soft().ids()[t * k]).isEqualTo(seq.targets()[t]);
                    }
                }
            }
        }
    }

    @Test
    void distillingRefusesAVisionTarget() {
        CliRun run = CliRun.of("train", "--distill-from", "t.gguf", "--vision", "--prompts", "p.jsonl", "--quiet", "-o", "d.gguf");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--distill-from trains a draft, not a --vision target");
    }

    private void trainVisionTarget(Path target, Path mmproj) {
        assertThat(Main.run("train", "--vision", "--task", "caption", "--scenes", "8", "--steps", "2", "--dim", "16", "--ff", "32",
                "--tower-width", "64", "--quiet", "-o", target.toString(), "--mmproj-out", mmproj.toString())).isZero();
    }

    private Path distil(Path target, Path prompts, String name, String... extra) {
        Path out = dir.resolve(name);
        CliRun run = CliRun.of(concat(concat(new String[] {"train", "--distill-from", target.toString(), "--prompts", prompts.toString(),
                "--steps", "80", "--batch", "8", "--lr", "1e-2", "--threads", "2", "--quiet", "-o", out.toString()}, DRAFT_SHAPE), extra));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("distilled 48 answers");
        return out;
    }

    /** A text-only target trained briefly (so its answers still differ from the references) on the world's QA answers. */
    private static TrainableLlama tinyTarget(Tokenizer tok, int vocab) throws Exception {
        TrainableLlama lm = new TrainableLlama(new TrainableLlama.Shape(vocab, 32, 1, 4, 2, 64, 256), 1);
        Trainer.train(lm, qaSequences(tok, 200), 60, 8, new AdamW(1e-2f, 0.01f, 1f, 6, 60), 2, 3, null);
        return lm;
    }

    /** A draft of DRAFT_SHAPE trained as the CLI would, for as many steps, on the reference answers of the distilled prompts. */
    private static TrainableLlama trainedOnReferences(Tokenizer tok, int vocab) throws Exception {
        TrainableLlama lm = new TrainableLlama(new TrainableLlama.Shape(vocab, 24, 1, 2, 1, 48, 256), 5);
        Trainer.train(lm, qaSequences(tok, 48), 80, 8, new AdamW(1e-2f, 0.01f, 1f, 4, 80), 2, 5, null);
        return lm;
    }

    /** The first n training scenes' QA prompt and reference answer, tokenized as the engine gives the prompt. */
    private static List<Trainer.Sequence> qaSequences(Tokenizer tok, int n) {
        PromptAssembler assembler = new PromptAssembler(tok);
        List<Trainer.Sequence> data = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Task.Example ex = Task.QA.example(WORLD.scene(SceneWorld.Split.TRAIN, i));
            int[] prompt = assembler.raw(ex.prompt() + "\n", List.of()).textTokens();
            data.add(Distillation.sequence(prompt, tok.encode(ex.reference(), false, false), tok.eos()));
        }
        return data;
    }

    private static String qa(SceneWorld.Split split, int i) {
        return Task.QA.example(WORLD.scene(split, i)).prompt();
    }

    /** Accepted / drafted over held-out prompts, greedy; the speculative output must equal the target's own. */
    private static double heldOutAcceptance(Path target, Path draft, List<String> prompts) throws Exception {
        long accepted = 0, drafted = 0;
        try (Engine engine = Engine.load(EngineConfig.of(target).withDraft(draft, null).withThreads(1), null)) {
            for (String q : prompts) {
                Message m = Message.user(q + "\n");
                Request r = new Request(List.of(m), false, SamplerConfig.greedy(), 48, List.of(), 4, false, true, 0, null);
                Result spec = engine.generate(r, Listener.NONE);
                Result plain = engine.generate(r.withUseDraft(false), Listener.NONE);
                assertThat(spec.tokens()).isEqualTo(plain.tokens());
                accepted += spec.stats().accepted();
                drafted += spec.stats().drafted();
            }
        }
        return (double) accepted / drafted;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
