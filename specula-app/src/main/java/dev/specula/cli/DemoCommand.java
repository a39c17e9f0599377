package dev.specula.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.specula.engine.Engine;
import dev.specula.image.ImageLoader;
import dev.specula.engine.EngineConfig;
import dev.specula.engine.Listener;
import dev.specula.engine.Request;
import dev.specula.engine.Result;
import dev.specula.sampling.SamplerConfig;
import dev.specula.tensor.Backend;
import dev.specula.train.Scene;
import dev.specula.train.SceneWorld;
import dev.specula.train.Task;
import dev.specula.train.WorldAccuracy;
import dev.specula.vision.RgbImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Speculative decoding on the trained demo world (models/demo/): answers a question about a picture with a",
                "small draft proposing tokens and the LLaVA-style target verifying them, then reports τ, the acceptance rate,",
                "MBSU and the wall-clock speedup over target-only decoding of the same prompt, measured in this run."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--image", description = "Your own picture (PNG, JPEG, GIF, BMP, WebP) instead of the bundled one.") Path image;
    @Option(names = "--task", defaultValue = "caption", description = "caption, qa or chat (default: ${DEFAULT-VALUE}).") String task;
    @Option(names = {"-p", "--prompt"}, description = "Your own question (default: the task's question).") String prompt;
    @Option(names = "--drafter", defaultValue = "adapter", description = "adapter (image-adapter draft), language (language-only draft) or ngram (default: ${DEFAULT-VALUE}).") String drafter;
    @Mixin SharedOptions.DraftMax gamma;
    @Option(names = {"-n", "--n-predict"}, defaultValue = "160", description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).") int nPredict;
    @Option(names = "--repeats", defaultValue = "7", description = "Timed runs of each kind after a warm-up; medians are reported (default: ${DEFAULT-VALUE}).") int repeats;
    @Mixin SharedOptions.Threads threads;
    @Mixin SharedOptions.Kernels kernels;
    @Option(names = "--accuracy", description = "Instead: score the target on N held-out validation scenes (captions naming every object, QA accuracy).") Integer accuracy;
    @Option(names = "--json", description = "Print one JSON object: text, stats.speculative, stats.compare.") boolean json;
    @Option(names = "--quiet", description = "No progress output.") boolean quiet;
    @Mixin SharedOptions.Verbose verbose;

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true");
        kernels.select();
        if (repeats < 1) throw new IllegalArgumentException("--repeats must be >= 1");
        DemoModels models = DefaultWorld.models();
        Task t = Task.parse(task);
        Scene scene = new SceneWorld(DemoModels.WORLD_SEED).scene(SceneWorld.Split.TEST, DemoModels.BUNDLED_SCENE);
        String question = prompt != null ? prompt : image == null ? t.example(scene).prompt() : genericQuestion(t);
        int nThreads = threads.count();
        EngineConfig config = EngineConfig.of(models.target()).withMmproj(models.mmproj()).withThreads(nThreads);
        if (accuracy != null) {
            try (Engine engine = Engine.load(config, null)) {
                return accuracy(engine, models);
            }
        }
        String drafterName = switch (drafter.toLowerCase(Locale.ROOT)) {
            case "adapter" -> {
                config = config.withDraft(models.adapterDraft(), models.adapterMmproj());
                yield "image-adapter draft";
            }
            case "language" -> {
                config = config.withDraft(models.draft(), null);
                yield "language-only draft";
            }
            case "ngram" -> {
                config = config.withNgram(3);
                yield "n-gram drafter";
            }
            default -> throw new IllegalArgumentException("--drafter must be adapter, language or ngram, got '" + drafter + "'");
        };
        try (Engine engine = Engine.load(config, null)) {
            if (gamma.draftMax < 1 || gamma.draftMax > engine.maxGamma()) throw new IllegalArgumentException("--draft-max must be 1 to " + engine.maxGamma());
            RgbImage picture = new ImageLoader(50_000_000L).load(image != null ? image : models.picture());
            Request spec = dev.specula.train.WorldExamples.request(question, picture, SamplerConfig.greedy(), nPredict).withGamma(gamma.draftMax, false);
            Request plain = spec.withUseDraft(false);
            if (!quiet && !json) System.err.println("warming up, then timing " + repeats + " runs each of target-only and speculative decoding...");
            // Untimed runs of both paths first (at least WARM_UP_ROUNDS, and WARM_UP_MILLIS), so both are timed on
            // compiled code: with one warm-up round the numbers moved between 1.2x and 2.2x from run to run.
            long warmEnd = System.nanoTime() + WARM_UP_MILLIS * 1_000_000L;
            for (int r = 0; r < WARM_UP_ROUNDS || System.nanoTime() < warmEnd; r++) {
                engine.generate(plain, Listener.NONE);
                engine.generate(spec, Listener.NONE);
            }
            double[] plainMs = new double[repeats], specMs = new double[repeats], plainDecode = new double[repeats], specDecode = new double[repeats];
            Result plainResult = null, specResult = null;
            for (int r = 0; r < repeats; r++) {
                plainResult = engine.generate(plain, Listener.NONE);
                specResult = engine.generate(spec, Listener.NONE);
                plainMs[r] = plainResult.timings().wallMillis();
                specMs[r] = specResult.timings().wallMillis();
                plainDecode[r] = plainResult.timings().decodeMillis();
                specDecode[r] = specResult.timings().decodeMillis();
            }
            double plainMedian = median(plainMs), specMedian = median(specMs);
            double decodeSpeedup = median(plainDecode) / median(specDecode), endToEnd = plainMedian / specMedian;
            boolean identical = Arrays.equals(plainResult.tokens(), specResult.tokens());
            ObjectNode root = Json.MAPPER.createObjectNode();
            root.put("question", question);
            root.put("image", image != null ? image.toString() : "bundled: " + Task.caption(scene));
            root.put("text", specResult.text());
            ObjectNode stats = root.putObject("stats");
            stats.put("drafter", drafterName);
            stats.put("generated_tokens", specResult.tokens().length);
            stats.put("threads", nThreads);
            stats.put("backend", Backend.selected().name().toLowerCase(Locale.ROOT));
            stats.set("speculative", Json.MAPPER.valueToTree(specResult.stats().toMap()));
            ObjectNode cmp = stats.putObject("compare");
            cmp.put("target_only_ms", plainMedian);
            cmp.put("speculative_ms", specMedian);
            cmp.put("target_only_decode_ms", median(plainDecode));
            cmp.put("speculative_decode_ms", median(specDecode));
            cmp.put("prefill_ms", median(prefill(plainMs, plainDecode)));
            // As `bench` reports it: the decode phase, where the draft works; the prompt's prefill is the same work
            // on both sides and is reported apart (end_to_end_speedup includes it).
            cmp.put("speedup", decodeSpeedup);
            cmp.put("end_to_end_speedup", endToEnd);
            cmp.put("repeats", repeats);
            cmp.put("identical", identical);
            if (json) {
                Json.print(root);
            } else {
                var s = specResult.stats();
                System.out.println("Q: " + question);
                System.out.println("A:" + (specResult.text().startsWith(" ") ? "" : " ") + specResult.text());
                System.out.printf(Locale.ROOT, "%n%s, γ %d: τ %.2f tokens per target call, acceptance %.1f%%, MBSU %.2f (c = %.3f)%n",
                        drafterName, gamma.draftMax, s.blockEfficiency(), 100 * s.acceptanceRate(), s.mbsu(), s.costRatio());
                System.out.printf(Locale.ROOT, "wall clock, decoding (median of %d): target-only %.1f ms, speculative %.1f ms: speedup %.2fx%n",
                        repeats, median(plainDecode), median(specDecode), decodeSpeedup);
                System.out.printf(Locale.ROOT, "end to end, with the %.1f ms prompt prefill both pay: %.1f ms against %.1f ms: %.2fx%n",
                        median(prefill(plainMs, plainDecode)), plainMedian, specMedian, endToEnd);
                System.out.println(identical ? "outputs identical: the speculative answer is exactly the target's own"
                        : "WARNING: OUTPUTS DIFFER from target-only decoding");
            }
            return identical ? 0 : Errors.FAILURE;
        }
    }

    private int accuracy(Engine engine, DemoModels models) throws Exception {
        if (accuracy < 1) throw new IllegalArgumentException("--accuracy needs a number of scenes >= 1");
        WorldAccuracy a;
        try (Progress bar = Progress.withEta("scoring", !quiet && !json)) {
            a = WorldAccuracy.measure(engine, new SceneWorld(DemoModels.WORLD_SEED), SceneWorld.Split.VALIDATION, accuracy,
                    engineImageSize(models), done -> bar.accept((double) done / accuracy));
        }
        if (json) {
            ObjectNode root = Json.MAPPER.createObjectNode();
            root.put("scenes", a.scenes());
            root.put("caption_names_every_object", a.captions());
            root.put("qa_accuracy", a.qa());
            Json.print(root);
        } else {
            System.out.printf(Locale.ROOT, "%d validation scenes: captions naming every object's colour and shape %.1f%%, QA accuracy %.1f%%%n",
                    a.scenes(), 100 * a.captions(), 100 * a.qa());
        }
        return 0;
    }

    private static String genericQuestion(Task t) {
        return switch (t) {
            case CAPTION -> "Describe the image.";
            case QA -> "What shape is in the centre? (A) circle (B) square (C) star";
            case CHAT -> "What can you tell me about this picture?";
        };
    }

    /** The picture is drawn at the vision tower's own resolution, so the preprocessor does not resample it. */
    private static int engineImageSize(DemoModels models) throws java.io.IOException {
        try (var f = dev.specula.gguf.GgufFile.open(models.mmproj())) {
            return f.metadata().getInt("clip.vision.image_size");
        }
    }

    private static final int WARM_UP_ROUNDS = 5;
    private static final long WARM_UP_MILLIS = 1500;

    /** Per run, what is not decoding: image lookup and the prompt's prefill. */
    private static double[] prefill(double[] wall, double[] decode) {
        double[] out = new double[wall.length];
        for (int i = 0; i < wall.length; i++) out[i] = wall[i] - decode[i];
        return out;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
