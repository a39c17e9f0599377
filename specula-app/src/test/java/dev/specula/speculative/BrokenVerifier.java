package dev.specula.speculative;

import dev.specula.model.LanguageModel;
import dev.specula.sampling.Sampler;

/**
 * Test-only: a verifier that, where the real one rejects a proposal, accepts it anyway, so wrong tokens
 * reach the output. Lives in the core's package (test tree) to reach the decoder's verifier constructor.
 */
public final class BrokenVerifier implements Verifier {
    private final Verifier real;

    private BrokenVerifier(Verifier real) {
        this.real = real;
    }

    /** A decoder like the standard one but with this verifier. */
    public static SpeculativeDecoder decoder(LanguageModel target, Drafter drafter, Sampler sampler, GammaPolicy gamma) {
        return new SpeculativeDecoder(target, drafter, sampler, gamma, new BrokenVerifier(Verifier.of(sampler)));
    }

    @Override
    public void verify(float[] logits, int rows, Draft draft, Block block) {
        real.verify(logits, rows, draft, block);
        int i = block.accepted;
        if (i < draft.size() && block.length > i && block.tokens[i] != draft.token(i)) {
            block.tokens[i] = draft.token(i); // the target said otherwise: keep the wrong proposal
            block.accepted++;
        }
    }
}
