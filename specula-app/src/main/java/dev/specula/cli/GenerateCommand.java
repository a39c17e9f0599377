package dev.specula.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.specula.gguf.GgufFile;
import dev.specula.image.ImageLoader;
import dev.specula.model.LlamaModel;
import dev.specula.model.Generator;
import dev.specula.sampling.Sampler;
import dev.specula.sampling.SamplerConfig;
import dev.specula.sampling.TopLogits;
import dev.specula.speculative.AdapterDrafter;
import dev.specula.speculative.AdaptiveGamma;
import dev.specula.speculative.Drafter;
import dev.specula.speculative.FixedGamma;
import dev.specula.speculative.GammaPolicy;
import dev.specula.speculative.ModelDrafter;
import dev.specula.speculative.NgramDrafter;
import dev.specula.model.Prompt;
import dev.specula.speculative.SpeculativeDecoder;
import dev.specula.speculative.VocabularyCheck;
import dev.specula.tensor.Backend;
import dev.specula.tensor.Parallel;
import dev.specula.text.ChatTemplate;
import dev.specula.text.PromptAssembler;
import dev.specula.text.StreamDecoder;
import dev.specula.text.Tokenizer;
import dev.specula.vision.ClipEncoder;
import dev.specula.vision.ImageEmbedding;
import dev.specula.vision.ImageFeatures;
import dev.specula.vision.Projector;
import dev.specula.vision.RgbImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
    @Option(names = {"-t", "--threads"}, description = "Threads (default: all cores).") Integer threads;
    @Option(names = {"-c", "--ctx-size"}, defaultValue = "4096", description = "Context size, capped at the model's (default: ${DEFAULT-VALUE}).") int ctxSize;
    @Option(names = "--json", description = "Print one JSON object instead of streaming text.") boolean json;
    @Option(names = "--top-logits", defaultValue = "0", description = "With --json: the top-K (id, logit) pairs of each generated token.") int topLogits;

    @Option(names = "--mmproj", description = "Vision tower + projector (mmproj GGUF).") Path mmproj;
    @Option(names = "--image", description = "Image file (PNG, JPEG, GIF, BMP, WebP); repeat for several.") List<Path> images = new ArrayList<>();
    @Option(names = "--chat", description = "Apply the LLaVA-1.5 conversation template.") boolean chat;
    @Option(names = "--system", description = "System prompt for --chat (default: LLaVA-1.5's).") String system;
    @Option(names = "--max-image-pixels", defaultValue = "50000000", description = "Refuse larger images (default: ${DEFAULT-VALUE}).") long maxImagePixels;

    @Option(names = "--draft", description = "Draft model (GGUF) with the target's vocabulary: speculative decoding.") Path draft;
    @Option(names = "--draft-mmproj", description = "The draft's image adapter (mmproj-style GGUF with mm.0/mm.2).") Path draftMmproj;
    @Option(names = "--draft-max", defaultValue = "4", description = "Draft length γ (default: ${DEFAULT-VALUE}).") int draftMax;
    @Option(names = "--draft-ngram", description = "Prompt-lookup drafting with n-grams up to N (no draft model).") Integer draftNgram;
    @Option(names = "--draft-adaptive", description = "Tune γ (up to --draft-max) from recent acceptance.") boolean adaptive;
    @Option(names = "--compare", description = "Also run target-only generation and report the speedup (and identity when greedy).") boolean compare;

    @Option(names = "--demo", description = "Use the embedded default world (synthesized on first use).") boolean demo;
    @Option(names = "--backend", defaultValue = "java", description = "Kernels: java (pure Java), native (the optional int8 library) or auto (native when it loaded) (default: ${DEFAULT-VALUE}).") String backend;
    @Option(names = "--quiet", description = "No progress bars.") boolean quiet;
    @Option(names = "--verbose", description = "Show stack traces on errors.") boolean verbose;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    boolean given(String option) {
        return spec != null && spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    @Override
    public Integer call() throws Exception {
        Backend.select(Backend.parse(backend));
        if (demo) DefaultWorld.apply(this, !quiet && !json);
        if (model == null) throw new IllegalArgumentException("no model: give -m MODEL.gguf (or --demo for the default world)");
        if (prompt == null) throw new IllegalArgumentException("no prompt: give -p TEXT");
        if (!images.isEmpty() && mmproj == null) throw new IllegalArgumentException("--image needs --mmproj");
        if (draftMmproj != null && draft == null) throw new IllegalArgumentException("--draft-mmproj needs --draft");
        if (draft != null && draftNgram != null) throw new IllegalArgumentException("give either --draft or --draft-ngram, not both");
        if (draftMax < 1 || draftMax > 32) throw new IllegalArgumentException("--draft-max must be 1 to 32, got " + draftMax);
        if (topLogits < 0) throw new IllegalArgumentException("--top-logits must be >= 0");

        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        boolean progress = !quiet && !json;
        PrintStream out = System.out;
        try (Parallel pool = new Parallel(nThreads);
             GgufFile targetFile = GgufFile.open(model);
             LlamaModel target = load(targetFile, pool, "loading " + model.getFileName(), progress)) {
            Tokenizer tokenizer = Tokenizer.fromGguf(targetFile.metadata());
            ObjectNode root = Json.MAPPER.createObjectNode();

            // Images: the target's vision tower runs once per image; an adapter draft reuses its features.
            List<Prompt.Image> targetImages = new ArrayList<>();
            List<ImageFeatures> features = new ArrayList<>();
            double encodeMillis = 0;
            int imageTokens = 0;
            if (mmproj != null) {
                try (ClipEncoder clip = ClipEncoder.open(mmproj, pool)) {
                    clip.checkLanguageModelWidth(target.embeddingLength());
                    ImageLoader loader = new ImageLoader(maxImagePixels);
                    for (Path p : images) {
                        RgbImage rgb = loader.load(p);
                        long t0 = System.nanoTime();
                        ImageFeatures f = encodeWithProgress(clip, rgb, p, progress);
                        ImageEmbedding e = clip.project(f);
                        encodeMillis += (System.nanoTime() - t0) / 1e6;
                        features.add(f);
                        targetImages.add(new Prompt.Image(e.data(), e.tokens()));
                        imageTokens += e.tokens();
                    }
                }
            }
            PromptAssembler assembler = new PromptAssembler(tokenizer);
            Prompt input = chat
                    ? assembler.chat(system != null ? system : ChatTemplate.LLAVA_SYSTEM_PROMPT, prompt, targetImages)
                    : assembler.raw(prompt, targetImages);
            if (input.length() >= target.contextLength()) {
                throw new IllegalArgumentException("the prompt takes " + input.length() + " positions but the context holds "
                        + target.contextLength() + " (raise --ctx-size, up to the model's training context)");
            }
            SamplerConfig samplerConfig = new SamplerConfig(temp, topK, topP, minP,
                    seed >= 0 ? seed : new java.security.SecureRandom().nextLong());

            StreamDecoder text = tokenizer.newStreamDecoder();
            StringBuilder generated = new StringBuilder();
            java.util.function.IntConsumer sink = token -> {
                if (tokenizer.isEndOfGeneration(token)) return;
                String s = text.accept(token);
                generated.append(s);
                if (!json) {
                    out.print(s);
                    out.flush();
                }
            };

            int[] tokens;
            ObjectNode stats = root.putObject("stats");
            List<TopLogits> tops = List.of();
            boolean speculative = draft != null || draftNgram != null;
            if (compare) warmUp(target, input);
            double wallSeconds;
            if (speculative) {
                try (Speculation spec = openDrafter(pool, targetFile, tokenizer, features, progress)) {
                    GammaPolicy gamma = adaptive ? adaptiveGamma(target, spec, nThreads) : new FixedGamma(draftMax);
                    SpeculativeDecoder decoder = new SpeculativeDecoder(target, spec.drafter,
                            new Sampler(samplerConfig, target.vocabSize()), gamma);
                    long t0 = System.nanoTime();
                    var result = decoder.generate(input, nPredict, tokenizer::isEndOfGeneration, sink);
                    wallSeconds = (System.nanoTime() - t0) / 1e9;
                    tokens = withoutEog(result.tokens(), tokenizer);
                    var ss = result.stats();
                    stats.put("prompt_tokens_per_second", input.length() / Math.max(1e-9, ss.prefillMillis() / 1e3));
                    stats.put("decode_tokens_per_second", ss.tokensPerSecond());
                    stats.put("ms_per_token", tokens.length == 0 ? 0 : (ss.wallMillis() - ss.prefillMillis()) / tokens.length);
                    stats.set("speculative", Json.MAPPER.valueToTree(ss.toMap()));
                }
            } else {
                Generator gen = new Generator(target, new Sampler(samplerConfig, target.vocabSize()),
                        tokenizer::isEndOfGeneration, topLogits);
                long t0 = System.nanoTime();
                gen.prompt(input);
                var result = gen.generate(nPredict, t -> {
                    sink.accept(t);
                    return true;
                });
                wallSeconds = (System.nanoTime() - t0) / 1e9;
                tokens = result.tokens();
                tops = result.topLogits();
                stats.put("prompt_tokens_per_second", result.stats().promptTokensPerSecond());
                stats.put("decode_tokens_per_second", result.stats().decodeTokensPerSecond());
                stats.put("ms_per_token", result.stats().millisPerToken());
            }
            String tail = text.flush();
            generated.append(tail);
            if (!json) {
                out.println(tail);
            }
            stats.put("prompt_positions", input.length());
            stats.put("generated_tokens", tokens.length);
            stats.put("wall_seconds", wallSeconds);
            stats.put("threads", nThreads);
            stats.put("backend", Backend.selected().name().toLowerCase());

            if (compare) {
                target.truncate(0);
                Generator plain = new Generator(target, new Sampler(samplerConfig, target.vocabSize()), tokenizer::isEndOfGeneration);
                long t0 = System.nanoTime();
                plain.prompt(input);
                int[] reference = plain.generate(nPredict, null).tokens();
                double plainSeconds = (System.nanoTime() - t0) / 1e9;
                ObjectNode cmp = stats.putObject("compare");
                cmp.put("target_only_seconds", plainSeconds);
                cmp.put("speculative_seconds", wallSeconds);
                cmp.put("speedup", plainSeconds / wallSeconds);
                if (samplerConfig.isGreedy()) cmp.put("identical", Arrays.equals(reference, tokens));
                if (!json) {
                    System.err.printf("compare: target-only %.2f s, this run %.2f s, speedup %.2fx%s%n", plainSeconds, wallSeconds,
                            plainSeconds / wallSeconds, samplerConfig.isGreedy()
                                    ? (Arrays.equals(reference, tokens) ? ", outputs identical" : ", OUTPUTS DIFFER") : "");
                }
            }

            if (json) {
                ArrayNode pt = root.putArray("prompt_tokens");
                for (int id : input.textTokens()) pt.add(id);
                ArrayNode ids = root.putArray("tokens");
                for (int id : tokens) ids.add(id);
                root.put("text", generated.toString());
                if (mmproj != null) {
                    root.put("image_tokens", imageTokens);
                    stats.put("image_encode_ms", encodeMillis);
                }
                if (topLogits > 0) {
                    ArrayNode all = root.putArray("top_logits");
                    for (TopLogits t : tops) {
                        ArrayNode step = all.addArray();
                        for (int i = 0; i < t.ids().length; i++) step.addArray().add(t.ids()[i]).add(t.logits()[i]);
                    }
                }
                Json.print(root);
            } else {
                printSummary(stats, speculative);
            }
            return 0;
        }
    }

    /**
     * γ from this machine's measured costs: the target's r(k) and a draft step's time relative to a target
     * step, both cached per model file, thread count and backend.
     */
    private GammaPolicy adaptiveGamma(LlamaModel target, Speculation spec, int nThreads) throws java.io.IOException {
        var targetCurve = CostCache.get(model, target, draftMax + 1, nThreads);
        double draftCost = 0;
        if (spec.model != null) {
            draftCost = CostCache.get(draft, spec.model, 1, nThreads).oneToken() / targetCurve.oneToken();
        }
        return new AdaptiveGamma(draftMax, targetCurve.ratios(), draftCost);
    }

    /** A few target-only tokens first, so that neither side of --compare pays the JIT's warm-up alone. */
    private static void warmUp(LlamaModel target, Prompt input) {
        Generator g = new Generator(target, new Sampler(SamplerConfig.greedy(), target.vocabSize()), t -> false);
        g.prompt(input);
        g.generate(4, null);
        target.truncate(0);
    }

    private static int[] withoutEog(int[] tokens, Tokenizer tok) {
        int n = tokens.length;
        while (n > 0 && tok.isEndOfGeneration(tokens[n - 1])) n--;
        return Arrays.copyOf(tokens, n);
    }

    private static ImageFeatures encodeWithProgress(ClipEncoder clip, RgbImage rgb, Path p, boolean progress) {
        // The encode is one batched pass; a spinner-style bar shows that something happens when it is slow.
        if (!progress) return clip.encodeFeatures(clip.preprocessor().preprocess(rgb));
        try (Progress bar = Progress.startDelayed("encoding " + p.getFileName(), 1000)) {
            return clip.encodeFeatures(clip.preprocessor().preprocess(rgb));
        }
    }

    private LlamaModel load(GgufFile file, Parallel pool, String task, boolean progress) {
        try (Progress bar = Progress.start(task, progress && file.fileSize() > (256L << 20))) {
            return LlamaModel.load(file, pool, LlamaModel.Options.defaults().withContextLength(ctxSize).withProgress(bar));
        }
    }

    /** The drafter and the files it holds open. */
    private final class Speculation implements AutoCloseable {
        Drafter drafter;
        GgufFile file;
        LlamaModel model;

        @Override
        public void close() {
            if (model != null) model.close();
            if (file != null) file.close();
        }
    }

    private Speculation openDrafter(Parallel pool, GgufFile targetFile, Tokenizer targetTok, List<ImageFeatures> features,
                                    boolean progress) throws Exception {
        Speculation s = new Speculation();
        if (draftNgram != null) {
            s.drafter = new NgramDrafter(draftNgram);
            return s;
        }
        try {
            s.file = GgufFile.open(draft);
            Tokenizer draftTok = Tokenizer.fromGguf(s.file.metadata());
            VocabularyCheck.requireCompatible(tokens(targetTok), special(targetTok), tokens(draftTok), special(draftTok));
            s.model = load(s.file, pool, "loading draft " + draft.getFileName(), progress);
            if (draftMmproj != null) {
                if (features.size() != 1) {
                    throw new IllegalArgumentException("--draft-mmproj works with exactly one image, got " + features.size());
                }
                try (Projector adapter = Projector.open(draftMmproj, pool)) {
                    adapter.checkLanguageModelWidth(s.model.embeddingLength());
                    ImageEmbedding e = adapter.project(features.getFirst());
                    s.drafter = new AdapterDrafter(s.model, e.data(), e.tokens());
                }
            } else {
                s.drafter = new ModelDrafter(s.model);
            }
            return s;
        } catch (Exception e) {
            s.close();
            throw e;
        }
    }

    private static String[] tokens(Tokenizer t) {
        String[] s = new String[t.vocabSize()];
        for (int i = 0; i < s.length; i++) s[i] = t.tokenText(i);
        return s;
    }

    private static boolean[] special(Tokenizer t) {
        boolean[] s = new boolean[t.vocabSize()];
        for (int i = 0; i < s.length; i++) s[i] = t.isSpecial(i);
        return s;
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
