package dev.specula.speculative;

import dev.specula.model.Prompt;
import dev.specula.model.LanguageModel;
import dev.specula.sampling.Sampler;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Drafts with a small language model that shares the target's vocabulary and never sees the image: it
 * reads the prompt's text parts only. Its KV cache follows the accepted sequence, so a round of γ
 * proposals costs γ draft passes and a rejection costs a {@code truncate}, never a re-prefill.
 *
 * <p>Bookkeeping: tokens that joined the sequence but are not yet in the draft's cache wait in
 * {@code pending} and go in as one batch at the start of the next round. The last proposal of a round is
 * never fed (nothing is drafted after it), so after a fully accepted round pending holds that proposal
 * and the target's bonus token; after a rejection it holds the target's correction alone.
 */
public final class ModelDrafter implements Drafter {
    private final LanguageModel model;
    private final UnaryOperator<Prompt> view;
    private final float[] logits;
    private final float[] q;
    private final int[] one = new int[1];
    private int[] pending = new int[16];
    private int pendingSize;
    private int[] proposed = new int[16];
    private int proposedCount;
    private int base;
    private Sampler sampler;
    private long calls;

    public ModelDrafter(LanguageModel model) {
        this(model, Prompt::withoutImages);
    }

    /** A drafter that reads {@code view.apply(prompt)}; the adapter drafter substitutes its own image. */
    ModelDrafter(LanguageModel model, UnaryOperator<Prompt> view) {
        this.model = model;
        this.view = view;
        this.logits = new float[model.vocabSize()];
        this.q = new float[model.vocabSize()];
    }

    @Override
    public void begin(Prompt prompt, Sampler sampler) {
        if (sampler.vocabSize() != model.vocabSize()) {
            throw new IllegalArgumentException("draft vocabulary has " + model.vocabSize()
                    + " entries, the target's sampler " + sampler.vocabSize());
        }
        this.sampler = sampler;
        model.truncate(0);
        calls += view.apply(prompt).feed(model, logits);
        pendingSize = 0;
        proposedCount = 0;
    }

    @Override
    public void propose(int max, Draft draft) {
        draft.clear();
        proposedCount = 0;
        // Feeding pending and all proposals but the last must fit in the context.
        int n = Math.min(max, model.contextLength() - model.position() - pendingSize + 1);
        if (n <= 0 || pendingSize == 0) return;
        calls += Prompt.feedTokens(model, pending, pendingSize, logits);
        pendingSize = 0;
        base = model.position();
        if (proposed.length < n) proposed = new int[n];
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                one[0] = proposed[i - 1];
                model.forward(one, 1, 1, logits);
                calls++;
            }
            proposed[i] = pick(draft);
        }
        proposedCount = n;
    }

    @Override
    public void accept(int accepted, int next) {
        if (proposedCount > 0) {
            int inCache = Math.min(accepted, proposedCount - 1);
            model.truncate(base + inCache);
            for (int i = inCache; i < accepted; i++) push(proposed[i]);
        }
        if (next >= 0) push(next);
        proposedCount = 0;
    }

    @Override
    public long parameterCount() {
        return model.parameterCount();
    }

    @Override
    public long forwardCalls() {
        return calls;
    }

    /** Argmax when greedy; otherwise a draw from q, which goes with the proposal for the verifier. */
    private int pick(Draft draft) {
        if (sampler.config().isGreedy()) {
            int token = Sampler.argmax(logits, 0, logits.length);
            draft.add(token, null);
            return token;
        }
        sampler.distribution(logits, 0, q);
        int token = sampler.draw(q);
        draft.add(token, q);
        return token;
    }

    private void push(int token) {
        if (pendingSize == pending.length) pending = Arrays.copyOf(pending, pendingSize * 2);
        pending[pendingSize++] = token;
    }
}
