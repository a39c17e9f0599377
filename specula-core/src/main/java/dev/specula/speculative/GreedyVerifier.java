package dev.specula.speculative;

import dev.specula.sampling.Sampler;

/** Accepts the longest prefix equal to the target's argmax, then appends the target's own token. */
final class GreedyVerifier implements Verifier {
    private final int vocabSize;

    GreedyVerifier(int vocabSize) {
        this.vocabSize = vocabSize;
    }

    @Override
    public void verify(float[] logits, int rows, Draft draft, Block block) {
        block.reset();
        for (int i = 0; i < rows; i++) {
            int best = Sampler.argmax(logits, i * vocabSize, vocabSize);
            if (i < draft.size() && best == draft.token(i)) {
                block.accept(best);
            } else {
                block.add(best);
                return;
            }
        }
    }
}
