package dev.specula.speculative;

import dev.specula.sampling.Sampler;

/**
 * Judges a draft against the target's logits from one batched pass. Row {@code i} of {@code logits}
 * is the target's next-token prediction where proposal {@code i} stands. With {@code rows ==
 * draft.size() + 1} a fully accepted draft earns a bonus token from the last row; with {@code rows ==
 * draft.size()} (a probe round, see {@link AdaptiveGamma}) it does not.
 */
interface Verifier {

    void verify(float[] logits, int rows, Draft draft, Block block);

    /** Greedy verification for a greedy sampler, speculative sampling otherwise. */
    static Verifier of(Sampler sampler) {
        return sampler.config().isGreedy()
                ? new GreedyVerifier(sampler.vocabSize())
                : new SamplingVerifier(sampler, RejectionRule.STANDARD);
    }
}
