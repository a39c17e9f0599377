package dev.specula.speculative;

import dev.specula.model.Prompt;
import dev.specula.model.LanguageModel;
import dev.specula.sampling.Sampler;

/**
 * Drafts with a small language model that sees the image the way the target does: its own projector
 * maps the target's vision features into the draft's width, and those embeddings take the image's place
 * in the draft's prompt. Everything after the prefill is {@link ModelDrafter}'s.
 */
public final class AdapterDrafter implements Drafter {
    private final ModelDrafter drafter;

    /**
     * @param imageEmbeddings the image as the draft reads it: {@code imageTokens} rows of the draft's
     *                        embedding width (the draft projector's output)
     */
    public AdapterDrafter(LanguageModel draft, float[] imageEmbeddings, int imageTokens) {
        if ((long) imageTokens * draft.embeddingLength() != imageEmbeddings.length) {
            throw new IllegalArgumentException(imageEmbeddings.length + " floats are not " + imageTokens
                    + " rows of the draft's width " + draft.embeddingLength());
        }
        Prompt.Image own = new Prompt.Image(imageEmbeddings, imageTokens);
        this.drafter = new ModelDrafter(draft, prompt -> prompt.withImage(own));
    }

    @Override
    public void begin(Prompt prompt, Sampler sampler) {
        drafter.begin(prompt, sampler);
    }

    @Override
    public void propose(int max, Draft draft) {
        drafter.propose(max, draft);
    }

    @Override
    public void accept(int accepted, int next) {
        drafter.accept(accepted, next);
    }

    @Override
    public long parameterCount() {
        return drafter.parameterCount();
    }

    @Override
    public long forwardCalls() {
        return drafter.forwardCalls();
    }
}
