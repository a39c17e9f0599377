package dev.specula.speculative;

import dev.specula.model.Prompt;
import dev.specula.model.LanguageModel;
import dev.specula.sampling.Sampler;

import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

/**
 * Speculative decoding: each round the drafter proposes γ tokens, the target checks them all in one
 * pass over [last accepted token, proposals], the accepted prefix plus the target's own token join the
 * output, and both KV caches roll back to the accepted length. With a greedy sampler the output equals
 * target-only greedy decoding token for token; with sampling it has the target-only distribution.
 *
 * <p>Invariant between rounds: the target's cache holds the prompt and every output token but the last
 * one, which is fed first in the next round.
 */
public final class SpeculativeDecoder {
    private final LanguageModel target;
    private final Drafter drafter;
    private final Sampler sampler;
    private final GammaPolicy gamma;
    private final Verifier verifier;
    private final Draft draft;
    private final Block block = new Block();
    private final float[] logits;
    private final int[] batch;

    public SpeculativeDecoder(LanguageModel target, Drafter drafter, Sampler sampler, GammaPolicy gamma) {
        this(target, drafter, sampler, gamma, Verifier.of(sampler));
    }

    SpeculativeDecoder(LanguageModel target, Drafter drafter, Sampler sampler, GammaPolicy gamma, Verifier verifier) {
        if (sampler.vocabSize() != target.vocabSize()) {
            throw new IllegalArgumentException("sampler vocabulary " + sampler.vocabSize() + " != target's " + target.vocabSize());
        }
        // Verification is lossless only while the batched logits equal one-token logits.
        if (gamma.max() + 1 > target.maxVerifyBatch()) {
            throw new IllegalArgumentException("γ " + gamma.max() + " needs verification batches of " + (gamma.max() + 1)
                    + " positions, but this model's logits stay bit-identical to one-token logits only up to "
                    + target.maxVerifyBatch() + " (γ ≤ " + (target.maxVerifyBatch() - 1) + ")");
        }
        this.target = target;
        this.drafter = drafter;
        this.sampler = sampler;
        this.gamma = gamma;
        this.verifier = verifier;
        this.draft = new Draft(target.vocabSize());
        this.logits = new float[(gamma.max() + 1) * target.vocabSize()];
        this.batch = new int[gamma.max() + 1];
    }

    /**
     * The logits of the current pass, row i for the i-th position verified. While a token listener runs in
     * a round that drafted nothing, row 0 is the distribution that token was drawn from.
     */
    public float[] logits() {
        return logits;
    }

    /**
     * Generates from an empty cache: evaluates {@code prompt} on the target (and the drafter's view of it),
     * then decodes until {@code endOfGeneration} accepts a token, {@code maxTokens} tokens are produced
     * (the end-of-generation token counts) or the target's context is full. Each output token goes to
     * {@code onToken} as soon as it is accepted.
     */
    public Generation generate(Prompt prompt, int maxTokens, IntPredicate endOfGeneration, IntConsumer onToken) {
        return generate(prompt, maxTokens, endOfGeneration, token -> {
            onToken.accept(token);
            return true;
        }, () -> false);
    }

    /**
     * Like {@link #generate(Prompt, int, IntPredicate, IntConsumer)}, and the caller can stop it: when
     * {@code onToken} returns false (that token is kept) or {@code cancelled} turns true (checked before
     * every round), it ends with {@link StopReason#CALLER}, so a cancellation takes effect within one round.
     */
    public Generation generate(Prompt prompt, int maxTokens, IntPredicate endOfGeneration, IntPredicate onToken,
                               BooleanSupplier cancelled) {
        if (maxTokens < 1) throw new IllegalArgumentException("max tokens must be >= 1, got " + maxTokens);
        Output out = new Output(prompt.length(), maxTokens, endOfGeneration, onToken);
        SpecStats stats = new SpecStats((double) drafter.parameterCount() / target.parameterCount(), gamma.max());
        long startCalls = drafter.forwardCalls();
        long start = System.nanoTime();
        gamma.reset();
        target.truncate(0);
        prompt.feed(target, logits);
        drafter.begin(prompt, sampler);
        block.reset();
        block.add(sampler.sample(logits, 0));
        StopReason stop = out.commit(block);
        stats.prefill(System.nanoTime() - start);
        while (stop == null) {
            if (cancelled.getAsBoolean()) {
                stop = StopReason.CALLER;
                break;
            }
            int room = Math.min(target.contextLength() - target.position(), maxTokens - out.produced) - 1;
            if (room < 0) {
                stop = StopReason.CONTEXT;
                break;
            }
            int g = gamma.gamma(room);
            long t0 = System.nanoTime();
            drafter.propose(g > 0 ? g : gamma.probe() ? 1 : 0, draft);
            long t1 = System.nanoTime();
            int fed = Math.min(g, draft.size());
            batch[0] = out.last;
            for (int i = 0; i < fed; i++) batch[1 + i] = draft.token(i);
            target.forward(batch, fed + 1, fed + 1, logits);
            verifier.verify(logits, fed + 1, draft, block);
            long t2 = System.nanoTime();
            int before = out.produced;
            stop = out.commit(block);
            gamma.observe(draft.size(), block.accepted);
            stats.round(draft.size(), block.accepted, out.produced - before, t1 - t0, t2 - t1);
        }
        stats.finish(drafter.forwardCalls() - startCalls, System.nanoTime() - start);
        return new Generation(out.tokens(), stop, stats);
    }

    /** The output so far, and the one place where a block is cut at a stop and both caches roll back. */
    private final class Output {
        final int promptLength;
        final int maxTokens;
        final IntPredicate endOfGeneration;
        final IntPredicate onToken;
        int[] tokens = new int[64];
        int size;
        int produced;
        int last;

        Output(int promptLength, int maxTokens, IntPredicate endOfGeneration, IntPredicate onToken) {
            this.promptLength = promptLength;
            this.maxTokens = maxTokens;
            this.endOfGeneration = endOfGeneration;
            this.onToken = onToken;
        }

        /** Takes the block up to the first stop, emits it, and rolls target and drafter back to it. */
        StopReason commit(Block block) {
            StopReason stop = null;
            int keep = 0;
            while (keep < block.length && stop == null) {
                int token = block.tokens[keep++];
                produced++;
                if (endOfGeneration.test(token)) {
                    stop = StopReason.EOG;
                } else if (!emit(token)) {
                    stop = StopReason.CALLER;
                } else if (produced == maxTokens) {
                    stop = StopReason.LENGTH;
                }
            }
            last = block.tokens[keep - 1];
            target.truncate(promptLength + produced - 1);
            drafter.accept(Math.min(block.accepted, keep), keep > block.accepted ? last : -1);
            return stop;
        }

        /** Adds the token to the output; false when the listener wants no more. */
        private boolean emit(int token) {
            if (size == tokens.length) tokens = Arrays.copyOf(tokens, size * 2);
            tokens[size++] = token;
            return onToken.test(token);
        }

        int[] tokens() {
            return Arrays.copyOf(tokens, size);
        }
    }
}
