package dev.specula.cli;

import dev.specula.gguf.GgufFile;
import dev.specula.gguf.GgufMetadata;
import dev.specula.gguf.GgufValue;
import dev.specula.tensor.GgmlType;
import dev.specula.tensor.Parallel;
import dev.specula.text.Tokenizer;
import dev.specula.train.AdamW;
import dev.specula.train.Checkpoint;
import dev.specula.train.Scene;
import dev.specula.train.SceneWorld;
import dev.specula.train.Task;
import dev.specula.train.Trainable;
import dev.specula.train.TrainableLlama;
import dev.specula.train.TrainableProjector;
import dev.specula.train.TrainedGguf;
import dev.specula.train.Trainer;
import dev.specula.train.VisionLanguageModel;
import dev.specula.train.WorldExamples;
import dev.specula.train.WorldVocabulary;
import dev.specula.vision.ClipEncoder;
import dev.specula.vision.ImageFeatures;
import dev.specula.vision.MmprojShape;
import dev.specula.vision.MmprojSynth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a Llama on the procedural demo world (loss on answer tokens only) and writes GGUF in llama.cpp's conventions:",
                "  default          a language-only model (a draft: it never sees the image)",
                "  --vision         a LLaVA target: a frozen vision tower, a trained projector (--mmproj-out) and language model",
                "  --adapter-for M  an image-adapter draft: a projector from M's vision features to this model's width (--mmproj-out)",
                "  --distill-from T a draft trained on target T's own greedy answers to --prompts (see 'specula train --help')",
                "                   (with --adapter-for M: an image-adapter draft)"})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--task", defaultValue = "caption,qa,chat", split = ",", description = "Tasks to train on: caption, qa, chat; a task named again adds another question of that kind per scene (default: ${DEFAULT-VALUE}).")
    List<String> tasks;
    @Option(names = "--scenes", defaultValue = "2000", description = "Training scenes; each gives one example per task (default: ${DEFAULT-VALUE}).") int scenes;
    @Option(names = "--world-seed", defaultValue = "1", description = "Seed of the procedural world (default: ${DEFAULT-VALUE}).") long worldSeed;

    @Option(names = "--steps", defaultValue = "300") int steps;
    @Option(names = "--batch", defaultValue = "8") int batch;
    @Option(names = "--dim", defaultValue = "64") int dim;
    @Option(names = "--layers", defaultValue = "1") int layers;
    @Option(names = "--heads", defaultValue = "4") int heads;
    @Option(names = "--kv-heads", defaultValue = "2") int kvHeads;
    @Option(names = "--ff", defaultValue = "128") int ff;
    @Option(names = "--context", defaultValue = "256", description = "Context length written to the model (default: ${DEFAULT-VALUE}).") int context;
    @Option(names = "--lr", defaultValue = "3e-3") float lr;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of the initial weights and of batch sampling (default: ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--threads", defaultValue = "2") int threads;

    @Option(names = "--init", description = "Start from this llama GGUF's weights (its shape wins over --dim etc.).") Path init;
    @Option(names = "--vocab-from", description = "Take the vocabulary from this GGUF (a draft must share its target's).") Path vocabFrom;

    @Option(names = "--vision", description = "Train a LLaVA target: frozen vision tower + projector + language model.") boolean vision;
    @Option(names = "--vision-tower", description = "With --vision: the frozen tower of this mmproj (default: a synthesized one, see --tower-*).") Path visionTower;
    @Option(names = "--tower-size", defaultValue = "96", description = "Synthesized tower: image side (default: ${DEFAULT-VALUE}).") int towerSize;
    @Option(names = "--tower-patch", defaultValue = "32", description = "Synthesized tower: patch side (default: ${DEFAULT-VALUE}).") int towerPatch;
    @Option(names = "--tower-width", defaultValue = "192", description = "Synthesized tower: width (default: ${DEFAULT-VALUE}).") int towerWidth;
    @Option(names = "--tower-blocks", defaultValue = "2", description = "Synthesized tower: blocks (default: ${DEFAULT-VALUE}).") int towerBlocks;
    @Option(names = "--adapter-for", description = "Train an image-adapter draft on the vision features of this (target) mmproj (on the demo world, or with --distill-from on the target's answers).") Path adapterFor;
    @Option(names = "--projector-hidden", description = "Projector hidden width (default: the model's width).") Integer projectorHidden;
    @Option(names = "--mmproj-out", description = "With --vision: the mmproj to write; with --adapter-for: the draft's projector file.") Path mmprojOut;

    @Option(names = "--distill-from", description = "Train a draft on this target's own greedy answers to --prompts (vocabulary: the target's): "
            + "language-only, or with --adapter-for (normally the target's mmproj) and --mmproj-out an image-adapter draft.") Path distillFrom;
    @Option(names = "--mmproj", description = "With --distill-from: the target's vision tower, for prompts with an image (default with --adapter-for: that file).") Path distillMmproj;
    @Option(names = "--prompts", description = "With --distill-from: JSONL with \"prompt\" and optional \"image\" (relative to the file), as 'specula data' writes.") Path prompts;
    @Option(names = "--max-answer", defaultValue = "160", description = "With --distill-from: answer tokens per prompt at most (default: ${DEFAULT-VALUE}).") int maxAnswer;
    @Option(names = "--distill-logits", defaultValue = "0", description = "With --distill-from: also learn the target's top-K distribution per answer token "
            + "(half the loss: KL toward its softmax renormalised over the K largest logits); 0: greedy tokens only (default).") int distillLogits;
    @Option(names = "--chat", description = "With --distill-from: ask in the chat template instead of the raw '<image>prompt\\n'.") boolean distillChat;

    @Option(names = "--type", defaultValue = "F32", description = "Type of the written matrices: F32, F16, Q8_0, Q4_0 (default: ${DEFAULT-VALUE}).") String type;
    @Option(names = {"-o", "--out"}, required = true, description = "Output language model GGUF.") Path out;
    @Option(names = "--checkpoint", description = "Resume from this file if it exists (same shape and --steps), and save to it at the end.") Path checkpoint;
    @Option(names = "--choice-weight", defaultValue = "1", description = "Gradient weight of the multiple-choice letter in QA answers (default: ${DEFAULT-VALUE}).") float choiceWeight;
    @Option(names = "--save-every", defaultValue = "0", description = "Also write the outputs (and the checkpoint) every N steps, to evaluate a long run as it goes.") int saveEvery;
    @Option(names = "--loss-png", description = "Draw the loss curve to this PNG.") Path lossPng;
    @Mixin SharedOptions.ProgressBars bars;

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true");
        if (distillFrom != null && vision) throw new IllegalArgumentException("--distill-from trains a draft, not a --vision target (an image-adapter draft: --adapter-for)");
        if (vision && adapterFor != null) throw new IllegalArgumentException("--vision and --adapter-for exclude each other");
        if ((vision || adapterFor != null) && mmprojOut == null) throw new IllegalArgumentException("--vision and --adapter-for need --mmproj-out");
        GgmlType outType = GgmlType.parse(type);
        List<Task> taskList = tasks.stream().map(Task::parse).toList();
        if (distillFrom != null) {
            if (prompts == null) throw new IllegalArgumentException("--distill-from needs --prompts");
            Map<String, GgufValue> vocab = Distillation.vocabulary(distillFrom);
            TrainableLlama lm = languageModel(vocab);
            int vocabSize = ((String[]) vocab.get("tokenizer.ggml.tokens").value()).length;
            if (lm.shape.vocab() != vocabSize) throw new IllegalArgumentException("--init has " + lm.shape.vocab() + " tokens, the target " + vocabSize);
            try (Parallel pool = new Parallel(threads);
                 ClipEncoder tower = adapterFor == null ? null : ClipEncoder.open(adapterFor, pool)) {
                Path targetMmproj = distillMmproj != null ? distillMmproj : adapterFor;
                List<Trainer.Sequence> data = Distillation.sequences(distillFrom, targetMmproj, Distillation.readPrompts(prompts),
                        maxAnswer, distillChat, distillLogits, tower, threads, bars.shown());
                Trainable model = lm;
                TrainableProjector projector = null;
                if (tower != null) {
                    projector = new TrainableProjector(tower.config().featureWidth(),
                            projectorHidden != null ? projectorHidden : lm.shape.dim(), lm.shape.dim(), seed + 1);
                    model = new VisionLanguageModel(lm, projector);
                }
                long params = lm.parameterCount() + (projector != null ? projector.parameterCount() : 0);
                System.out.printf("vocab %d, %d parameters, %d sequences%n", vocabSize, params, data.size());
                TrainableProjector proj = projector;
                Outputs outputs = () -> {
                    String name = "specula-distilled-" + (proj != null ? "adapter-draft" : "draft");
                    TrainedGguf.writeLlama(out, lm, name, vocab, outType);
                    if (proj != null) TrainedGguf.writeProjector(mmprojOut, proj, name + "-projector", outType);
                };
                List<Float> losses = fit(model, data, outputs);
                outputs.write();
                System.out.printf("wrote %s%s, final loss %.4f (mean of the last 20 steps %.4f)%n", out,
                        proj != null ? " and " + mmprojOut : "", losses.getLast(), tailMean(losses, 20));
                if (lossPng != null) ImageIO.write(LossChart.draw(losses), "png", lossPng.toFile());
            }
            return 0;
        }
        SceneWorld world = new SceneWorld(worldSeed);

        Map<String, GgufValue> vocab = vocabulary(world);
        Tokenizer tok = Tokenizer.fromGguf(new GgufMetadata(vocab));
        TrainableLlama lm = languageModel(vocab);
        Path towerFile = towerFile(lm.shape.dim());
        try (Parallel pool = new Parallel(threads);
             ClipEncoder tower = towerFile == null ? null : ClipEncoder.open(towerFile, pool)) {
            List<Trainer.Sequence> data = sequences(world, taskList, tok, tower);
            Trainable model = lm;
            TrainableProjector projector = null;
            if (tower != null) {
                int in = tower.config().featureWidth();
                projector = new TrainableProjector(in, projectorHidden != null ? projectorHidden : lm.shape.dim(), lm.shape.dim(), seed + 1);
                model = new VisionLanguageModel(lm, projector);
            }
            long params = lm.parameterCount() + (projector != null ? projector.parameterCount() : 0);
            System.out.printf("vocab %d, %d parameters (language model %d), %d sequences%n",
                    lm.shape.vocab(), params, lm.parameterCount(), data.size());
            TrainableProjector proj = projector;
            Outputs outputs = () -> {
                String name = "specula-demo-" + (vision ? "target" : adapterFor != null ? "adapter-draft" : "draft");
                TrainedGguf.writeLlama(out, lm, name, vocab, outType);
                if (vision) {
                    try (GgufFile towerGguf = GgufFile.open(towerFile)) {
                        TrainedGguf.writeMmproj(mmprojOut, towerGguf, proj, name + "-mmproj", outType);
                    }
                } else if (adapterFor != null) {
                    TrainedGguf.writeProjector(mmprojOut, proj, name + "-projector", outType);
                }
            };
            List<Float> losses = fit(model, data, outputs);
            outputs.write();
            System.out.printf("wrote %s%s, final loss %.4f (mean of the last 20 steps %.4f)%n", out,
                    mmprojOut != null ? " and " + mmprojOut : "", losses.getLast(), tailMean(losses, 20));
            if (lossPng != null) ImageIO.write(LossChart.draw(losses), "png", lossPng.toFile());
        } finally {
            if (vision && visionTower == null && towerFile != null) Files.deleteIfExists(towerFile);
        }
        return 0;
    }

    private Map<String, GgufValue> vocabulary(SceneWorld world) throws Exception {
        Path from = vocabFrom != null ? vocabFrom : init;
        if (from == null) return WorldVocabulary.train(WorldVocabulary.corpus(world, scenes), 2);
        try (GgufFile f = GgufFile.open(from)) {
            Map<String, GgufValue> v = new LinkedHashMap<>();
            f.metadata().asMap().forEach((k, val) -> { if (k.startsWith("tokenizer.")) v.put(k, val); });
            if (v.isEmpty()) throw new IllegalArgumentException(from + " has no tokenizer.* metadata");
            return v;
        }
    }

    private TrainableLlama languageModel(Map<String, GgufValue> vocab) throws Exception {
        if (init != null) {
            try (GgufFile f = GgufFile.open(init)) {
                return TrainableLlama.load(f);
            }
        }
        int vocabSize = ((String[]) vocab.get("tokenizer.ggml.tokens").value()).length;
        return new TrainableLlama(new TrainableLlama.Shape(vocabSize, dim, layers, heads, kvHeads, ff, context), seed);
    }

    /** The frozen vision tower to read images with, or null for a language-only model. */
    private Path towerFile(int lmWidth) throws Exception {
        if (adapterFor != null) return adapterFor;
        if (!vision) return null;
        if (visionTower != null) return visionTower;
        Path tmp = Files.createTempFile("specula-tower", ".gguf");
        // A random frozen tower without a class row: every patch reaches the projector, which learns to read it.
        MmprojSynth.write(tmp, new MmprojShape(towerSize, towerPatch, towerWidth, 4 * towerWidth, Math.max(1, towerWidth / 64),
                towerBlocks, lmWidth), GgmlType.F16, seed + 2, false, 1f, null);
        return tmp;
    }

    private List<Trainer.Sequence> sequences(SceneWorld world, List<Task> taskList, Tokenizer tok, ClipEncoder tower) {
        List<Trainer.Sequence> data = new ArrayList<>();
        try (Progress p = Progress.start(tower != null ? "encode images" : "tokenize", bars.shown())) {
            for (int i = 0; i < scenes; i++) {
                Scene scene = world.scene(SceneWorld.Split.TRAIN, i);
                ImageFeatures f = tower != null ? WorldExamples.features(tower, scene) : null;
                java.util.Map<Task, Integer> seen = new java.util.EnumMap<>(Task.class);
                for (Task t : taskList) {
                    // a task named again in --task adds another variant of it (another question about the scene)
                    Task.Example ex = t.example(scene, seen.merge(t, 1, Integer::sum) - 1);
                    data.add(WorldExamples.sequence(tok, ex.prompt(), ex.reference(), f, t == Task.QA ? choiceWeight : 1f));
                }
                p.accept((i + 1.0) / scenes);
            }
        }
        return data;
    }

    private interface Outputs {
        void write() throws java.io.IOException;
    }

    private List<Float> fit(Trainable model, List<Trainer.Sequence> data, Outputs outputs) throws Exception {
        AdamW opt = new AdamW(lr, 0.01f, 1f, Math.max(1, steps / 20), steps);
        int done = 0;
        if (checkpoint != null && Files.exists(checkpoint)) {
            Checkpoint.load(checkpoint, model.params(), opt);
            done = opt.steps();
            System.out.printf("resumed from %s at step %d%n", checkpoint, done);
        }
        int remaining = Math.max(0, steps - done);
        long t0 = System.nanoTime();
        List<Float> losses;
        try (Progress bar = Progress.withEta("train", bars.shown() && remaining > 0)) {
            losses = Trainer.train(model, data, remaining, batch, opt, threads, seed + done, (s, n, loss) -> {
                bar.accept((double) s / n);
                bar.message(String.format(" loss %.4f", loss));
                if (saveEvery > 0 && s % saveEvery == 0 && s < n) {
                    try {
                        outputs.write();
                        if (checkpoint != null) Checkpoint.save(checkpoint, model.params(), opt);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                if (!bars.shown() && (s == 1 || s % Math.max(1, n / 20) == 0 || s == n)) {
                    double el = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("step %d/%d loss %.4f  %.0fs elapsed, ETA %.0fs%n", s, n, loss, el, el / s * (n - s));
                }
            });
        }
        System.out.printf("trained %d steps in %.0f s%n", remaining, (System.nanoTime() - t0) / 1e9);
        if (checkpoint != null) Checkpoint.save(checkpoint, model.params(), opt);
        if (losses.isEmpty()) losses.add(Float.NaN);
        return losses;
    }

    private static double tailMean(List<Float> l, int n) {
        return l.subList(Math.max(0, l.size() - n), l.size()).stream().mapToDouble(Float::doubleValue).average().orElse(Double.NaN);
    }
}
