package dev.specula.speculative;

import dev.specula.model.Prompt;
import dev.specula.sampling.Sampler;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wraps a model-backed drafter and checks its bookkeeping after every round: the draft's cache must
 * hold a prefix of the sequence it should have seen (its prompt view, then the accepted tokens), and
 * after a round that asked for proposals at most {@code maxPending} of that sequence may wait to be fed.
 */
final class CheckedDrafter implements Drafter {
    private final Drafter inner;
    private final TableModel model;
    private final int[] view;
    private final int maxPending;
    private int[] sequence;
    private int length;
    private int[] proposed = new int[0];
    private int asked;
    int rounds;

    /** @param view the ids the draft should read for the prompt (its text, with image rows as their ids) */
    CheckedDrafter(Drafter inner, TableModel model, int[] view, int maxPending) {
        this.inner = inner;
        this.model = model;
        this.view = view;
        this.maxPending = maxPending;
    }

    @Override
    public void begin(Prompt prompt, Sampler sampler) {
        inner.begin(prompt, sampler);
        sequence = Arrays.copyOf(view, view.length + 64);
        length = view.length;
        assertThat(model.cached()).containsExactly(view);
    }

    @Override
    public void propose(int max, Draft draft) {
        inner.propose(max, draft);
        asked = max;
        assertThat(draft.size()).isLessThanOrEqualTo(max);
        proposed = new int[draft.size()];
        for (int i = 0; i < draft.size(); i++) proposed[i] = draft.token(i);
    }

    @Override
    public void accept(int accepted, int next) {
        inner.accept(accepted, next);
        rounds++;
        for (int i = 0; i < accepted; i++) add(proposed[i]);
        if (next >= 0) add(next);
        int[] cached = model.cached();
        assertThat(cached).containsExactly(Arrays.copyOf(sequence, cached.length));
        if (asked > 0) assertThat(length - cached.length).isLessThanOrEqualTo(maxPending);
    }

    private void add(int token) {
        if (length == sequence.length) sequence = Arrays.copyOf(sequence, length * 2);
        sequence[length++] = token;
    }

    @Override
    public long parameterCount() {
        return inner.parameterCount();
    }

    @Override
    public long forwardCalls() {
        return inner.forwardCalls();
    }
}
