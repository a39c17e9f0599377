package dev.specula.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.specula.engine.Engine;
import dev.specula.engine.EngineConfig;
import dev.specula.engine.Listener;
import dev.specula.engine.Message;
import dev.specula.engine.Request;
import dev.specula.engine.Result;
import dev.specula.image.ImageLoader;
import dev.specula.sampling.SamplerConfig;
import dev.specula.sampling.TopLogits;
import dev.specula.tensor.Backend;
import dev.specula.vision.RgbImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generates text from a prompt, optionally about images and with speculative decoding.",
                "Raw mode: a literal <image> in the prompt marks where each --image goes (without one, images go first).",
                "--chat applies the LLaVA-1.5 (vicuna) conversation template."})
final class GenerateCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, description = "Target language model (GGUF).") Path model;
    @Option(names = {"-p", "--prompt"}, description = "Prompt text.") String prompt;
    @Option(names = {"-n", "--n-predict"}, defaultValue = "128", description = "Tokens to generate (default: ${DEFAULT-VALUE}).") int nPredict;
    @Option(names = "--temp", defaultValue = "0.8", description = "Temperature; 0 = greedy (default: ${DEFAULT-VALUE}).") float temp;
    @Option(names = "--top-k", defaultValue = "40", description = "Top-k, 0 = off (default: ${DEFAULT-VALUE}).") int topK;
    @Option(names = "--top-p", defaultValue = "0.95", description = "Top-p, 1 = off (default: ${DEFAULT-VALUE}).") float topP;
    @Option(names = "--min-p", defaultValue = "0.05", description = "Min-p, 0 = off (default: ${DEFAULT-VALUE}).") float minP;
    @Option(names = "--seed", defaultValue = "-1", description = "Random seed; -1 = random (default: ${DEFAULT-VALUE}).") long seed;
    @Mixin SharedOptions.Threads threads;
    @Option(names = {"-c", "--ctx-size"}, defaultValue = "4096", description = "Context size, capped at the model's (default: ${DEFAULT-VALUE}).") int ctxSize;
    @Option(names = "--json", description = "Print one JSON object instead of streaming text.") boolean json;
    @Option(names = "--top-logits", defaultValue = "0", description = "With --json: the top-K (id, logit) pairs of each generated token.") int topLogits;

    @Option(names = "--image", description = "Image file (PNG, JPEG, GIF, BMP, WebP); repeat for several.") List<Path> images = new ArrayList<>();
    @Option(names = "--chat", description = "Apply the LLaVA-1.5 conversation template.") boolean chat;
    @Option(names = "--system", description = "System prompt for --chat (default: LLaVA-1.5's).") String system;
    @Option(names = "--max-image-pixels", defaultValue = "50000000", description = "Refuse larger images (default: ${DEFAULT-VALUE}).") long maxImagePixels;

    @Mixin SharedOptions.Models models;
    @Mixin SharedOptions.DraftMax gamma;
    @Option(names = "--draft-adaptive", description = "Tune γ (up to --draft-max) from recent acceptance.") boolean adaptive;
    @Option(names = "--compare", description = "Also run target-only generation and report the speedup (and identity when greedy).") boolean compare;

    @Option(names = "--demo", description = "Use the embedded default world (synthesized on first use).") boolean demo;
    @Mixin SharedOptions.Kernels kernels;
    @Mixin SharedOptions.ProgressBars bars;
    @Mixin SharedOptions.Verbose verbose;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    boolean given(String option) {
        return spec != null && spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    @Override
    public Integer call() throws Exception {
        kernels.select();
        if (demo) DefaultWorld.apply(this);
        if (model == null) throw new IllegalArgumentException("no model: give -m MODEL.gguf (or --demo for the default world)");
        if (prompt == null) throw new IllegalArgumentException("no prompt: give -p TEXT");
        if (!images.isEmpty() && models.mmproj == null) throw new IllegalArgumentException("--image needs --mmproj");
        if (models.draftMmproj != null && models.draft == null) throw new IllegalArgumentException("--draft-mmproj needs --draft");
        if (models.draft != null && models.draftNgram != null) throw new IllegalArgumentException("give either --draft or --draft-ngram, not both");
        if (gamma.draftMax < 1) throw new IllegalArgumentException("--draft-max must be >= 1, got " + gamma.draftMax);
        if (topLogits < 0) throw new IllegalArgumentException("--top-logits must be >= 0");

        int nThreads = threads.count();
        boolean progress = bars.shown() && !json;
        boolean speculative = models.draft != null || models.draftNgram != null;
        PrintStream out = System.out;
        List<RgbImage> pictures = new ArrayList<>();
        ImageLoader loader = new ImageLoader(maxImagePixels);
        for (Path p : images) pictures.add(loader.load(p));

        EngineConfig config = engineConfig(nThreads);
        try (Engine engine = load(config, progress)) {
            if (speculative && gamma.draftMax > engine.maxGamma()) {
                throw new IllegalArgumentException("--draft-max must be 1 to " + engine.maxGamma()
                        + ": longer drafts make verification batches whose logits differ from one-token logits");
            }
            if (adaptive && speculative) setCosts(engine, nThreads);
            SamplerConfig samplerConfig = new SamplerConfig(temp, topK, topP, minP,
                    seed >= 0 ? seed : new java.security.SecureRandom().nextLong());
            Request request = request(pictures, samplerConfig);
            if (compare) {
                // Both paths once before timing, so neither the draft nor the verify batch runs on a cold JIT.
                int warm = Math.min(nPredict, 32);
                engine.generate(request.withUseDraft(false).withMaxTokens(warm), Listener.NONE);
                if (speculative) engine.generate(request.withMaxTokens(warm), Listener.NONE);
            }

            Listener printer = json ? Listener.NONE : piece -> {
                out.print(piece);
                out.flush();
                return true;
            };
            Result result = generateWithProgress(engine, request, printer, progress && !pictures.isEmpty());
            if (!json) out.println();
            ObjectNode root = Json.MAPPER.createObjectNode();
            ObjectNode stats = root.putObject("stats");
            var t = result.timings();
            stats.put("prompt_tokens_per_second", t.promptTokensPerSecond());
            stats.put("decode_tokens_per_second", t.decodeTokensPerSecond());
            stats.put("ms_per_token", t.millisPerToken());
            if (speculative) stats.set("speculative", Json.MAPPER.valueToTree(result.stats().toMap()));
            stats.put("prompt_positions", result.usage().promptTokens());
            stats.put("generated_tokens", result.tokens().length);
            stats.put("wall_seconds", t.wallMillis() / 1e3);
            stats.put("threads", nThreads);
            stats.put("backend", Backend.selected().name().toLowerCase());

            if (compare) compare(engine, request, result, stats, samplerConfig.isGreedy());

            if (json) {
                ArrayNode pt = root.putArray("prompt_tokens");
                for (int id : result.promptTokens()) pt.add(id);
                ArrayNode ids = root.putArray("tokens");
                for (int id : result.tokens()) ids.add(id);
                root.put("text", result.text());
                if (models.mmproj != null) {
                    root.put("image_tokens", result.usage().imageTokens());
                    stats.put("image_encode_ms", t.imageEncodeMillis());
                }
                if (topLogits > 0) {
                    ArrayNode all = root.putArray("top_logits");
                    for (TopLogits tl : result.topLogits()) {
                        ArrayNode step = all.addArray();
                        for (int i = 0; i < tl.ids().length; i++) step.addArray().add(tl.ids()[i]).add(tl.logits()[i]);
                    }
                }
                Json.print(root);
            } else {
                printSummary(stats, speculative);
            }
            return 0;
        }
    }

    EngineConfig engineConfig(int nThreads) {
        return models.applyTo(EngineConfig.of(model).withThreads(nThreads).withContextLength(ctxSize));
    }

    private Request request(List<RgbImage> pictures, SamplerConfig sampling) {
        List<Message> messages = new ArrayList<>();
        if (chat && system != null) messages.add(Message.system(system));
        messages.add(Message.user(prompt, pictures.toArray(RgbImage[]::new)));
        // With --top-logits the run is target-only: those are the logits each token was drawn from.
        return new Request(messages, chat, sampling, nPredict, List.of(), gamma.draftMax, adaptive, topLogits == 0, topLogits, null);
    }

    private static Engine load(EngineConfig config, boolean progress) throws java.io.IOException {
        try (Progress bar = Progress.start("loading " + config.target().getFileName(),
                progress && config.target().toFile().length() > (256L << 20))) {
            return Engine.load(config, bar);
        }
    }

    private static Result generateWithProgress(Engine engine, Request request, Listener printer, boolean progress)
            throws InterruptedException {
        // The image encode is one batched pass; a spinner-style bar shows that something happens when it is slow.
        if (!progress) return engine.generate(request, printer);
        Progress bar = Progress.startDelayed("encoding", 1000);
        boolean[] closed = {false};
        try {
            return engine.generate(request, piece -> {
                if (!closed[0]) {
                    bar.close();
                    closed[0] = true;
                }
                return printer.onText(piece);
            });
        } finally {
            if (!closed[0]) bar.close();
        }
    }

    /** The same request target-only: the speedup, and (greedy) whether the outputs are identical. */
    private static void compare(Engine engine, Request request, Result result, ObjectNode stats, boolean greedy)
            throws InterruptedException {
        Result plain = engine.generate(request.withUseDraft(false).withTopLogits(0), Listener.NONE);
        double plainSeconds = plain.timings().wallMillis() / 1e3;
        double wallSeconds = result.timings().wallMillis() / 1e3;
        ObjectNode cmp = stats.putObject("compare");
        cmp.put("target_only_seconds", plainSeconds);
        cmp.put("speculative_seconds", wallSeconds);
        cmp.put("speedup", plainSeconds / wallSeconds);
        boolean same = Arrays.equals(plain.tokens(), result.tokens());
        if (greedy) cmp.put("identical", same);
        System.err.printf("compare: target-only %.2f s, this run %.2f s, speedup %.2fx%s%n", plainSeconds, wallSeconds,
                plainSeconds / wallSeconds, greedy ? (same ? ", outputs identical" : ", OUTPUTS DIFFER") : "");
    }

    /**
     * γ from this machine's measured costs: the target's r(k) and a draft step's time relative to a target
     * step, both cached per model file, thread count and backend.
     */
    private void setCosts(Engine engine, int nThreads) throws InterruptedException {
        engine.withModels((target, draftModel) -> {
            try {
                var targetCurve = CostCache.get(model, target, gamma.draftMax + 1, nThreads);
                double draftCost = draftModel == null ? 0
                        : CostCache.get(models.draft, draftModel, 1, nThreads).oneToken() / targetCurve.oneToken();
                engine.setGammaCosts(targetCurve.ratios(), draftCost);
                return null;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static void printSummary(ObjectNode stats, boolean speculative) {
        PrintStream err = System.err;
        err.printf("%nprompt: %d positions, %.1f tokens/s | decode: %d tokens, %.2f tokens/s, %.1f ms/token%n",
                stats.path("prompt_positions").asInt(), stats.path("prompt_tokens_per_second").asDouble(),
                stats.path("generated_tokens").asInt(), stats.path("decode_tokens_per_second").asDouble(),
                stats.path("ms_per_token").asDouble());
        if (speculative) {
            var s = stats.path("speculative");
            err.printf("speculative: mean γ %.2f, target calls %d, drafted %d, accepted %d (%.1f%%), τ %.2f, MBSU %.2f%n",
                    s.path("gamma").asDouble(), s.path("target_calls").asLong(), s.path("drafted").asLong(),
                    s.path("accepted").asLong(), 100 * s.path("acceptance_rate").asDouble(),
                    s.path("block_efficiency").asDouble(), s.path("mbsu").asDouble());
        }
    }
}
