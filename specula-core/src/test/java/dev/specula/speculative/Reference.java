package dev.specula.speculative;

import dev.specula.model.Prompt;
import dev.specula.model.LanguageModel;
import dev.specula.sampling.Sampler;

import java.util.Arrays;
import java.util.function.IntPredicate;

/** Target-only decoding, written out plainly: what speculative decoding must reproduce. */
final class Reference {
    private Reference() {}

    static Generation greedy(LanguageModel model, Prompt prompt, int maxTokens, IntPredicate eog) {
        int vocab = model.vocabSize();
        float[] logits = new float[vocab];
        model.truncate(0);
        prompt.feed(model, logits);
        int[] out = new int[maxTokens];
        int size = 0;
        StopReason stop;
        for (int produced = 1; ; produced++) {
            int token = Sampler.argmax(logits, 0, vocab);
            if (eog.test(token)) {
                stop = StopReason.EOG;
                break;
            }
            out[size++] = token;
            if (produced == maxTokens) {
                stop = StopReason.LENGTH;
                break;
            }
            if (model.position() >= model.contextLength()) {
                stop = StopReason.CONTEXT;
                break;
            }
            model.forward(new int[] {token}, 1, 1, logits);
        }
        return new Generation(Arrays.copyOf(out, size), stop, null);
    }
}
