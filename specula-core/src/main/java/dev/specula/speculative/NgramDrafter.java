package dev.specula.speculative;

import dev.specula.model.Prompt;
import dev.specula.sampling.Sampler;

import java.util.Arrays;

/**
 * Drafts without a model (prompt lookup): finds the most recent earlier occurrence of the longest suffix
 * of the text so far, up to {@code maxNgram} tokens long, and proposes what followed it. The copy may run
 * into its own proposals, so a repeating pattern is continued for as long as asked. Proposals are
 * deterministic (q one-hot), which speculative sampling handles exactly.
 */
public final class NgramDrafter implements Drafter {
    private final int maxNgram;
    private int[] history = new int[256];
    private int length;
    private int[] proposed = new int[16];
    private int proposedCount;

    public NgramDrafter(int maxNgram) {
        if (maxNgram < 1) throw new IllegalArgumentException("n-gram length must be >= 1, got " + maxNgram);
        this.maxNgram = maxNgram;
    }

    @Override
    public void begin(Prompt prompt, Sampler sampler) {
        length = 0;
        proposedCount = 0;
        for (int t : prompt.textTokens()) append(t);
    }

    @Override
    public void propose(int max, Draft draft) {
        draft.clear();
        proposedCount = 0;
        int start = continuation();
        if (start < 0 || max <= 0) return;
        if (proposed.length < max) proposed = new int[max];
        for (int i = 0; i < max; i++) {
            int at = start + i;
            int token = at < length ? history[at] : proposed[at - length];
            proposed[i] = token;
            draft.add(token, null);
        }
        proposedCount = max;
    }

    @Override
    public void accept(int accepted, int next) {
        for (int i = 0; i < Math.min(accepted, proposedCount); i++) append(proposed[i]);
        if (next >= 0) append(next);
        proposedCount = 0;
    }

    @Override
    public long parameterCount() {
        return 0;
    }

    @Override
    public long forwardCalls() {
        return 0;
    }

    /** Index just after the most recent earlier match of the longest matching suffix, or -1. */
    private int continuation() {
        for (int n = Math.min(maxNgram, length - 1); n >= 1; n--) {
            for (int end = length - 1; end >= n; end--) {
                if (Arrays.equals(history, end - n, end, history, length - n, length)) return end;
            }
        }
        return -1;
    }

    private void append(int token) {
        if (length == history.length) history = Arrays.copyOf(history, length * 2);
        history[length++] = token;
    }
}
