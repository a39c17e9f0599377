package dev.specula.speculative;

import dev.specula.model.Prompt;
import dev.specula.sampling.Sampler;

/**
 * Proposes tokens for the target to verify. The decoder drives it in rounds: {@link #propose} up to γ
 * tokens continuing the accepted sequence, then {@link #accept} tells it how many survived and which
 * token the target added, and the drafter rolls its own state back to match.
 */
public interface Drafter {

    /**
     * Starts a generation. {@code prompt} is what the target reads; the drafter takes the part of it that
     * it can use. Proposals are drawn from {@code sampler}'s distribution (argmax when it is greedy), so
     * that p and q see the same temperature and filters.
     */
    void begin(Prompt prompt, Sampler sampler);

    /** Clears {@code draft} and proposes up to {@code max} tokens into it; fewer, even none, is allowed. */
    void propose(int max, Draft draft);

    /**
     * The first {@code accepted} tokens of the last proposal joined the sequence, followed by {@code next}
     * (the target's correction or bonus token; -1 when there is none).
     */
    void accept(int accepted, int next);

    /** Weights read per draft step, for the MBSU cost ratio; 0 for a drafter without a model. */
    long parameterCount();

    /** Forward passes the drafter has made since it was built. */
    long forwardCalls();
}
