package dev.specula.speculative;

import dev.specula.model.Prompt;
import dev.specula.sampling.Sampler;

/**
 * Proposes nothing, so every round verifies the target's one row: plain decoding as the speculative loop
 * with no drafter. One loop then serves both, with one result type, one stop reason and one set of timings.
 */
public final class NoDrafter implements Drafter {

    @Override
    public void begin(Prompt prompt, Sampler sampler) {}

    @Override
    public void propose(int max, Draft draft) {
        draft.clear();
    }

    @Override
    public void accept(int accepted, int next) {}

    @Override
    public long parameterCount() {
        return 0;
    }

    @Override
    public long forwardCalls() {
        return 0;
    }
}
