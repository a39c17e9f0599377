package dev.specula.model;

import dev.specula.sampling.Sampler;
import dev.specula.sampling.TopLogits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Plain target-only generation: evaluate prompt input (tokens or embeddings, as many times as the prompt
 * has chunks), then {@link #generate} samples one token at a time until an end-of-generation token, the
 * token limit or the context limit.
 *
 * <p>The last emitted token is evaluated lazily, at the start of the next {@code prompt} or {@code generate}
 * call, so that stopping costs no forward pass and generation can be resumed where it stopped.
 */
public final class Generator {

    /** Told each emitted token; returns false to stop. */
    @FunctionalInterface
    public interface Listener {
        boolean onToken(int token);
    }

    public enum StopReason { LENGTH, END_OF_GENERATION, CONTEXT_FULL, CALLER }

    /**
     * @param topLogits per emitted token, the top-K logits it was drawn from; empty unless requested
     */
    public record Generation(int[] tokens, StopReason stop, List<TopLogits> topLogits, GenerationStats stats) {}

    private final LanguageModel model;
    private final Sampler sampler;
    private final IntPredicate isEog;
    private final int topLogits;
    private final float[] logits;
    private final int[] one = new int[1];
    private boolean ready;
    private int pending = -1;
    private int promptTokens;
    private long promptNanos;

    public Generator(LanguageModel model, Sampler sampler, IntPredicate isEog) {
        this(model, sampler, isEog, 0);
    }

    /** @param topLogits how many of each step's largest logits to record (0: none) */
    public Generator(LanguageModel model, Sampler sampler, IntPredicate isEog, int topLogits) {
        if (sampler.vocabSize() != model.vocabSize()) {
            throw new IllegalArgumentException("sampler vocabulary " + sampler.vocabSize() + " differs from the model's " + model.vocabSize());
        }
        if (topLogits < 0) throw new IllegalArgumentException("top logits must be >= 0, got " + topLogits);
        this.model = model;
        this.sampler = sampler;
        this.isEog = isEog;
        this.topLogits = topLogits;
        this.logits = new float[model.vocabSize()];
    }

    public LanguageModel model() {
        return model;
    }

    /** The logits the next token will be sampled from (valid after a prompt was evaluated). */
    public float[] logits() {
        return logits;
    }

    /** Evaluates a whole prompt, text and image parts in order, at the model's current position. */
    public void prompt(Prompt prompt) {
        int extra = pending >= 0 ? 1 : 0;
        checkRoom(prompt.length() + extra);
        long start = System.nanoTime();
        if (pending >= 0) {
            one[0] = pending;
            model.forward(one, 1, 0, logits);
        }
        prompt.feed(model, logits);
        finishPrompt(prompt.length() + extra, start);
    }

    /** Evaluates prompt tokens at the model's current position. */
    public void prompt(int[] tokens) {
        int[] input = tokens;
        if (pending >= 0) {
            input = new int[tokens.length + 1];
            input[0] = pending;
            System.arraycopy(tokens, 0, input, 1, tokens.length);
        }
        if (input.length == 0) return;
        checkRoom(input.length);
        long start = System.nanoTime();
        model.forward(input, input.length, 1, logits);
        finishPrompt(input.length, start);
    }

    /** Evaluates {@code count} input embeddings (e.g. an image's) at the model's current position. */
    public void promptEmbeddings(float[] embeddings, int count) {
        checkRoom(count + (pending >= 0 ? 1 : 0));
        long start = System.nanoTime();
        int fed = 0;
        if (pending >= 0) {
            one[0] = pending;
            model.forward(one, 1, 0, logits);
            fed = 1;
        }
        model.forwardEmbeddings(embeddings, count, 1, logits);
        finishPrompt(count + fed, start);
    }

    private void checkRoom(int count) {
        if (model.position() + count > model.contextLength()) {
            throw new IllegalArgumentException("the prompt of " + count + " positions does not fit: " + model.position()
                    + " of the context's " + model.contextLength() + " positions are already used");
        }
    }

    private void finishPrompt(int count, long start) {
        promptNanos += System.nanoTime() - start;
        promptTokens += count;
        pending = -1;
        ready = true;
    }

    /**
     * Samples up to {@code maxTokens} tokens (negative: no limit) and tells each to the listener (may be null).
     * End-of-generation tokens are not emitted.
     */
    public Generation generate(int maxTokens, Listener listener) {
        if (!ready) throw new IllegalStateException("no logits to sample from: evaluate a prompt first");
        long start = System.nanoTime();
        int[] tokens = new int[maxTokens >= 0 ? Math.min(maxTokens, 256) : 256];
        int count = 0;
        List<TopLogits> tops = topLogits > 0 ? new ArrayList<>() : List.of();
        StopReason stop;
        while (true) {
            if (maxTokens >= 0 && count >= maxTokens) {
                stop = StopReason.LENGTH;
                break;
            }
            if (pending >= 0) {
                if (model.position() >= model.contextLength()) {
                    stop = StopReason.CONTEXT_FULL;
                    break;
                }
                one[0] = pending;
                model.forward(one, 1, 1, logits);
                pending = -1;
            }
            int token = sampler.sample(logits, 0);
            if (isEog.test(token)) {
                stop = StopReason.END_OF_GENERATION;
                break;
            }
            if (topLogits > 0) tops.add(TopLogits.of(logits, 0, logits.length, topLogits));
            if (count == tokens.length) tokens = Arrays.copyOf(tokens, 2 * count);
            tokens[count++] = token;
            pending = token;
            if (listener != null && !listener.onToken(token)) {
                stop = StopReason.CALLER;
                break;
            }
        }
        GenerationStats stats = new GenerationStats(promptTokens, promptNanos, count, System.nanoTime() - start);
        promptTokens = 0;
        promptNanos = 0;
        return new Generation(Arrays.copyOf(tokens, count), stop, tops, stats);
    }
}
