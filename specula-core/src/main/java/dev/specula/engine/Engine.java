package dev.specula.engine;

import dev.specula.gguf.GgufFile;
import dev.specula.model.LanguageModel;
import dev.specula.model.LlamaModel;
import dev.specula.model.LlamaWeights;
import dev.specula.model.Prompt;
import dev.specula.sampling.Sampler;
import dev.specula.sampling.TopLogits;
import dev.specula.speculative.AdapterDrafter;
import dev.specula.speculative.AdaptiveGamma;
import dev.specula.speculative.Drafter;
import dev.specula.speculative.FixedGamma;
import dev.specula.speculative.GammaPolicy;
import dev.specula.speculative.Generation;
import dev.specula.speculative.ModelDrafter;
import dev.specula.speculative.NgramDrafter;
import dev.specula.speculative.NoDrafter;
import dev.specula.speculative.SpeculativeDecoder;
import dev.specula.speculative.StopReason;
import dev.specula.speculative.VocabularyCheck;
import dev.specula.tensor.Parallel;
import dev.specula.text.PromptAssembler;
import dev.specula.text.StreamDecoder;
import dev.specula.text.Tokenizer;
import dev.specula.vision.ClipEncoder;
import dev.specula.vision.ImageEmbedding;
import dev.specula.vision.ImageFeatures;
import dev.specula.vision.Projector;
import dev.specula.vision.RgbImage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;

/**
 * Everything between files on disk and tokens out, loaded once: the target (and its vision tower), at
 * most one drafter, and {@link EngineConfig#sessions} sessions that each hold their own KV caches over
 * the shared weights. {@link #generate} borrows a free session (waiting for one if all are busy), runs
 * one request through the speculative loop (plain decoding is that loop with no drafter) and gives the
 * session back clean, whether the request finished, failed or was cancelled. Thread-safe.
 */
public final class Engine implements AutoCloseable {
    private final EngineConfig config;
    private final Parallel pool;
    private final GgufFile targetFile;
    private final LlamaWeights targetWeights;
    private final Tokenizer tokenizer;
    private final PromptAssembler assembler;
    private final ClipEncoder clip;
    private final GgufFile draftFile;
    private final LlamaWeights draftWeights;
    private final Projector adapter;
    private final List<Session> sessions = new ArrayList<>();
    private final BlockingQueue<Session> free;
    private final ImageCache images = new ImageCache(64);
    /** The vision tower and projectors run on the engine's pool, one image at a time. */
    private final Object visionLock = new Object();
    private volatile double[] targetCost;
    private volatile double draftCost;
    private volatile DecoderFactory decoders = SpeculativeDecoder::new;

    /** How a generation builds its loop; replaceable only from this package, for tests (see {@link #useDecoders}). */
    interface DecoderFactory {
        SpeculativeDecoder create(LanguageModel target, Drafter drafter, Sampler sampler, GammaPolicy gamma);
    }

    private Engine(EngineConfig config, DoubleConsumer progress) throws IOException {
        this.config = config;
        this.pool = new Parallel(config.threads());
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(pool);
        try {
            targetFile = GgufFile.open(config.target());
            opened.add(targetFile);
            targetWeights = LlamaWeights.load(targetFile, pool, progress, false);
            tokenizer = Tokenizer.fromGguf(targetFile.metadata());
            assembler = new PromptAssembler(tokenizer);
            if (config.mmproj() != null) {
                clip = ClipEncoder.open(config.mmproj(), pool);
                opened.add(clip);
                clip.checkLanguageModelWidth(targetWeights.config().embeddingLength());
            } else {
                clip = null;
            }
            if (config.draft() != null) {
                draftFile = GgufFile.open(config.draft());
                opened.add(draftFile);
                Tokenizer draftTok = Tokenizer.fromGguf(draftFile.metadata());
                VocabularyCheck.requireCompatible(texts(tokenizer), special(tokenizer), texts(draftTok), special(draftTok));
                draftWeights = LlamaWeights.load(draftFile, pool, null, false);
                if (config.draftMmproj() != null) {
                    if (clip == null) throw new IllegalArgumentException("a draft adapter needs the target's mmproj");
                    adapter = Projector.open(config.draftMmproj(), pool);
                    opened.add(adapter);
                    adapter.checkLanguageModelWidth(draftWeights.config().embeddingLength());
                } else {
                    adapter = null;
                }
            } else {
                draftFile = null;
                draftWeights = null;
                adapter = null;
            }
            int n = config.sessions();
            int perSession = Math.max(1, config.threads() / n);
            LlamaModel.Options options = LlamaModel.Options.defaults().withContextLength(config.contextLength());
            for (int i = 0; i < n; i++) {
                // One session can share the engine's pool: it never runs beside the vision tower (see generate).
                Parallel p = n == 1 ? pool : new Parallel(perSession);
                LlamaModel t = LlamaModel.session(targetWeights, p, options);
                LlamaModel d = draftWeights != null ? LlamaModel.session(draftWeights, p, options) : null;
                sessions.add(new Session(i, p, n > 1, t, d));
            }
            free = new ArrayBlockingQueue<>(n, true, sessions);
        } catch (IOException | RuntimeException e) {
            for (Session s : sessions) s.close();
            for (int i = opened.size() - 1; i >= 0; i--) closeQuietly(opened.get(i));
            throw e;
        }
    }

    /** Loads everything the configuration names. {@code progress} (may be null) follows the target's weights paging in. */
    public static Engine load(EngineConfig config, DoubleConsumer progress) throws IOException {
        return new Engine(config, progress);
    }

    public EngineConfig config() {
        return config;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public boolean hasVision() {
        return clip != null;
    }

    /**
     * The text tokens of the prompt {@link #generate} builds for {@code request}, cut at its images: the
     * request's i-th image sits between piece i and piece i + 1 (BOS, when the tokenizer adds it, starts
     * the first piece). The target reads its projection there and an adapter draft its own, so training
     * an adapter draft puts the image's rows at the same place; together the pieces are
     * {@link Result#promptTokens()}.
     */
    public List<int[]> promptPieces(Request request) {
        int images = request.messages().stream().mapToInt(m -> m.images().size()).sum();
        return assembler.textPieces(PromptBuilder.text(request, config.chatFormat()), images);
    }

    public boolean hasDrafter() {
        return config.speculative();
    }

    /** KV cache positions of each session. */
    public int contextLength() {
        return sessions.getFirst().target.contextLength();
    }

    /** The largest γ verification can take while staying lossless. */
    public int maxGamma() {
        return sessions.getFirst().target.maxVerifyBatch() - 1;
    }

    public int sessionCount() {
        return sessions.size();
    }

    public int freeSessions() {
        return free.size();
    }

    public long imageCacheHits() {
        return images.hits();
    }

    public long imageCacheMisses() {
        return images.misses();
    }

    /**
     * The costs adaptive γ plans with: the target's r(k) = time(k positions) / time(1) for k = 1.., and a
     * draft step's time relative to a target step (0 for n-gram drafting).
     */
    public void setGammaCosts(double[] targetRatios, double draftStepCost) {
        this.targetCost = targetRatios.clone();
        this.draftCost = draftStepCost;
    }

    /**
     * Test seam: builds every later generation's loop with {@code factory} instead of the standard decoder,
     * e.g. one with a deliberately broken verifier, to show that a benchmark catches non-identical output.
     * Package-private: only this package, and tests placed in it, can reach it; the default is the standard decoder.
     */
    void useDecoders(DecoderFactory factory) {
        this.decoders = factory;
    }

    /** Runs {@code work} on a free session's target and draft (null without one), e.g. to measure them. */
    public <T> T withModels(java.util.function.BiFunction<LanguageModel, LanguageModel, T> work) throws InterruptedException {
        Session s = free.take();
        try {
            return work.apply(s.target, s.draft);
        } finally {
            s.target.truncate(0);
            if (s.draft != null) s.draft.truncate(0);
            free.add(s);
        }
    }

    /** Like {@link #generate(Request, Listener)}, waiting for a free session without a limit. */
    public Result generate(Request request, Listener listener) throws InterruptedException {
        return generate(request, listener, Long.MAX_VALUE);
    }

    /**
     * Generates an answer to {@code request}, telling {@code listener} its text as it comes.
     *
     * @param waitMillis how long to wait for a free session
     * @throws EngineBusyException when no session came free in time
     * @throws IllegalArgumentException for a request this engine cannot serve (too long, images without a vision tower, ...)
     */
    public Result generate(Request request, Listener listener, long waitMillis) throws InterruptedException {
        Session s = free.poll(waitMillis, TimeUnit.MILLISECONDS);
        if (s == null) throw new EngineBusyException("all " + sessions.size() + " sessions are busy");
        try {
            return run(s, request, listener);
        } finally {
            s.target.truncate(0);
            if (s.draft != null) s.draft.truncate(0);
            free.add(s);
        }
    }

    private Result run(Session s, Request request, Listener listener) {
        long t0 = System.nanoTime();
        List<RgbImage> pictures = new ArrayList<>();
        for (Message m : request.messages()) pictures.addAll(m.images());
        if (!pictures.isEmpty() && clip == null) throw new IllegalArgumentException("this model has no vision tower (no mmproj): it cannot read images");
        List<ImageCache.Entry> encoded = new ArrayList<>();
        List<Prompt.Image> targetImages = new ArrayList<>();
        int imageTokens = 0;
        for (RgbImage p : pictures) {
            ImageCache.Entry e = encode(p);
            encoded.add(e);
            targetImages.add(new Prompt.Image(e.target().data(), e.target().tokens()));
            imageTokens += e.target().tokens();
        }
        double encodeMillis = (System.nanoTime() - t0) / 1e6;
        Prompt input = PromptBuilder.build(assembler, request, targetImages, config.chatFormat());
        if (input.length() >= s.target.contextLength()) {
            throw new IllegalArgumentException("the prompt takes " + input.length() + " positions but the context holds "
                    + s.target.contextLength());
        }
        boolean speculative = request.useDraft() && config.speculative() && request.gamma() > 0;
        if (speculative && request.topLogits() > 0) throw new IllegalArgumentException("top logits are recorded for target-only runs");
        Drafter drafter = speculative ? drafter(s, encoded) : new NoDrafter();
        GammaPolicy gamma = !speculative ? new FixedGamma(0) : request.adaptive() ? adaptive(request.gamma()) : new FixedGamma(request.gamma());
        Sampler sampler = new Sampler(request.sampling(), s.target.vocabSize());
        SpeculativeDecoder decoder = decoders.create(s.target, drafter, sampler, gamma);

        StreamDecoder pieces = tokenizer.newStreamDecoder();
        StopText text = new StopText(request.stop());
        List<TopLogits> tops = request.topLogits() > 0 ? new ArrayList<>() : List.of();
        boolean[] listenerStopped = {false};
        Generation g = decoder.generate(input, request.maxTokens(), tokenizer::isEndOfGeneration, token -> {
            if (request.topLogits() > 0) {
                float[] l = decoder.logits();
                tops.add(TopLogits.of(l, 0, s.target.vocabSize(), request.topLogits()));
            }
            String out = text.add(pieces.accept(token));
            if (!out.isEmpty() && !listener.onText(out)) listenerStopped[0] = true;
            return text.matched() == null && !listenerStopped[0];
        }, request.cancellation()::isCancelled);
        String tail = text.add(pieces.flush());
        tail += text.matched() == null ? text.flush() : "";
        if (!tail.isEmpty() && !listenerStopped[0]) listener.onText(tail);

        FinishReason finish = switch (g.stop()) {
            case EOG -> FinishReason.STOP;
            case LENGTH, CONTEXT -> FinishReason.LENGTH;
            case CALLER -> text.matched() != null ? FinishReason.STOP : FinishReason.CANCELLED;
        };
        var stats = g.stats();
        double wall = stats.wallMillis();
        Timings timings = new Timings(encodeMillis, stats.prefillMillis(), Math.max(0, wall - stats.prefillMillis()),
                input.length(), g.tokens().length);
        return new Result(g.tokens(), input.textTokens(), text.text(), finish, text.matched(),
                new Usage(input.length(), imageTokens, g.tokens().length), stats, timings, speculative, tops);
    }

    private ImageCache.Entry encode(RgbImage picture) {
        String key = ImageCache.key(picture);
        ImageCache.Entry e = images.get(key);
        if (e != null) return e;
        synchronized (visionLock) {
            ImageFeatures f = clip.encodeFeatures(clip.preprocessor().preprocess(picture));
            ImageEmbedding t = clip.project(f);
            ImageEmbedding d = adapter != null ? adapter.project(f) : null;
            e = new ImageCache.Entry(f, t, d);
        }
        images.put(key, e);
        return e;
    }

    private Drafter drafter(Session s, List<ImageCache.Entry> encoded) {
        if (config.draftNgram() > 0) return new NgramDrafter(config.draftNgram());
        if (adapter != null && encoded.size() == 1) {
            ImageEmbedding e = encoded.getFirst().draft();
            return new AdapterDrafter(s.draft, e.data(), e.tokens());
        }
        if (adapter != null && encoded.size() > 1) {
            throw new IllegalArgumentException("the draft's image adapter works with exactly one image, got " + encoded.size());
        }
        return new ModelDrafter(s.draft);
    }

    private GammaPolicy adaptive(int max) {
        double[] cost = targetCost;
        if (cost == null) throw new IllegalStateException("adaptive γ needs the measured costs (setGammaCosts)");
        return new AdaptiveGamma(max, cost, draftCost);
    }

    private static String[] texts(Tokenizer t) {
        String[] s = new String[t.vocabSize()];
        for (int i = 0; i < s.length; i++) s[i] = t.tokenText(i);
        return s;
    }

    private static boolean[] special(Tokenizer t) {
        boolean[] s = new boolean[t.vocabSize()];
        for (int i = 0; i < s.length; i++) s[i] = t.isSpecial(i);
        return s;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing after a failed load: the first error is the one to report
        }
    }

    @Override
    public void close() {
        for (Session s : sessions) s.close();
        if (adapter != null) adapter.close();
        if (draftWeights != null) draftWeights.close();
        if (draftFile != null) draftFile.close();
        if (clip != null) clip.close();
        targetWeights.close();
        targetFile.close();
        pool.close();
    }
}
