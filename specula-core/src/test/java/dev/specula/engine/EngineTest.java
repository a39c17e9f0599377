package dev.specula.engine;

import dev.specula.Fixtures;
import dev.specula.sampling.SamplerConfig;
import dev.specula.vision.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine over the fixture models: the tiny LLaVA target with its mmproj, and the tiny draft. */
class EngineTest {
    private static Engine engine;
    private static RgbImage picture;

    @BeforeAll
    static void load() throws Exception {
        engine = Engine.load(EngineConfig.of(Fixtures.own("tiny-llava-lm-f16.gguf"))
                .withMmproj(Fixtures.own("tiny-llava-mmproj-f16.gguf"))
                .withDraft(Fixtures.own("tiny-draft-f16.gguf"), null)
                .withThreads(2).withContextLength(512).withSessions(2), null);
        picture = randomImage(new Random(5), 40, 30);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static RgbImage randomImage(Random rnd, int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        rnd.nextBytes(rgb);
        return new RgbImage(w, h, rgb);
    }

    private static Request ask(String text, int maxTokens, RgbImage... images) {
        return Request.chat(List.of(Message.user(text, images)), maxTokens);
    }

    @Test
    void greedySpeculativeAnswerEqualsTargetOnlyAnswer() throws Exception {
        Request r = ask("Describe the image.", 24, picture);
        Result spec = engine.generate(r, Listener.NONE);
        Result plain = engine.generate(r.withUseDraft(false), Listener.NONE);
        assertThat(spec.speculative()).isTrue();
        assertThat(plain.speculative()).isFalse();
        assertThat(spec.tokens()).isEqualTo(plain.tokens());
        assertThat(spec.text()).isEqualTo(plain.text());
        assertThat(plain.stats().blockEfficiency()).isEqualTo(1.0);
        assertThat(spec.stats().drafted()).isPositive();
        assertThat(spec.usage().completionTokens()).isEqualTo(spec.tokens().length);
        assertThat(spec.usage().imageTokens()).isPositive();
    }

    @Test
    void streamedPiecesMakeTheText() throws Exception {
        StringBuilder streamed = new StringBuilder();
        Result r = engine.generate(ask("Hello there.", 20), piece -> {
            streamed.append(piece);
            return true;
        });
        assertThat(streamed.toString()).isEqualTo(r.text());
        assertThat(r.finish()).isIn(FinishReason.LENGTH, FinishReason.STOP);
    }

    @Test
    void decodeThroughputAndMillisPerTokenAgree() throws Exception {
        Result r = engine.generate(ask("Hello there.", 16), Listener.NONE);
        Timings t = r.timings();
        assertThat(t.decodedTokens()).isEqualTo(r.tokens().length);
        assertThat(t.decodeTokensPerSecond() * t.millisPerToken()).isCloseTo(1000.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(t.wallMillis()).isCloseTo(r.stats().wallMillis(), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void concurrentRequestsGetTheAnswersTheyGetAlone() throws Exception {
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < 6; i++) requests.add(ask("Question " + i + " about this.", 12, randomImage(new Random(i), 24, 24)));
        List<int[]> alone = new ArrayList<>();
        for (Request r : requests) alone.add(engine.generate(r, Listener.NONE).tokens());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Result>> futures = new ArrayList<>();
            for (Request r : requests) futures.add(pool.submit(() -> engine.generate(r, Listener.NONE)));
            for (int i = 0; i < requests.size(); i++) assertThat(futures.get(i).get().tokens()).isEqualTo(alone.get(i));
        } finally {
            pool.shutdownNow();
        }
        assertThat(engine.freeSessions()).isEqualTo(2);
    }

    @Test
    void aListenerThatStopsCancelsAndLeavesTheEngineClean() throws Exception {
        Request r = ask("Hello there.", 40);
        Result full = engine.generate(r, Listener.NONE);
        AtomicInteger pieces = new AtomicInteger();
        Result stopped = engine.generate(r, piece -> pieces.incrementAndGet() < 2);
        assertThat(stopped.finish()).isEqualTo(FinishReason.CANCELLED);
        assertThat(stopped.tokens().length).isLessThan(full.tokens().length);
        assertThat(engine.generate(r, Listener.NONE).tokens()).isEqualTo(full.tokens());
    }

    @Test
    void aCancelledRequestStopsBeforeItsNextRound() throws Exception {
        Cancellation c = new Cancellation();
        c.cancel();
        Result r = engine.generate(ask("Hello there.", 40).withCancellation(c), Listener.NONE);
        assertThat(r.finish()).isEqualTo(FinishReason.CANCELLED);
        // only the prompt pass's token: no round ran
        assertThat(r.stats().targetCalls()).isEqualTo(1);
    }

    @Test
    void aStopStringEndsTheAnswerBeforeIt() throws Exception {
        Request r = ask("Hello there.", 30).withSampling(SamplerConfig.greedy());
        Result full = engine.generate(r, Listener.NONE);
        String text = full.text();
        assertThat(text.length()).isGreaterThan(6);
        String stop = text.substring(3, 6);
        int at = text.indexOf(stop);
        StringBuilder streamed = new StringBuilder();
        Result cut = engine.generate(r.withStop(List.of(stop)), p -> {
            streamed.append(p);
            return true;
        });
        assertThat(cut.text()).isEqualTo(text.substring(0, at));
        assertThat(streamed.toString()).isEqualTo(cut.text());
        assertThat(cut.stopString()).isEqualTo(stop);
        assertThat(cut.finish()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void theVisionTowerRunsOncePerDistinctImage() throws Exception {
        RgbImage fresh = randomImage(new Random(99), 32, 32);
        long misses = engine.imageCacheMisses();
        engine.generate(ask("One.", 2, fresh), Listener.NONE);
        long hits = engine.imageCacheHits();
        engine.generate(ask("Two.", 2, new RgbImage(32, 32, fresh.rgb().clone())), Listener.NONE);
        assertThat(engine.imageCacheMisses()).isEqualTo(misses + 1);
        assertThat(engine.imageCacheHits()).isEqualTo(hits + 1);
    }

    @Test
    void gammaIsCappedAtTheLosslessVerificationBatch() {
        assertThat(engine.maxGamma()).isPositive();
        Request tooLong = ask("Hello there.", 4).withGamma(engine.maxGamma() + 1, false);
        assertThatThrownBy(() -> engine.generate(tooLong, Listener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bit-identical");
        assertThat(engine.freeSessions()).isEqualTo(2);
    }

    @Test
    void aPromptLongerThanTheContextIsRefused() {
        String longText = String.join(" ", Collections.nCopies(600, "word"));
        assertThatThrownBy(() -> engine.generate(ask(longText, 4), Listener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context");
    }
}
