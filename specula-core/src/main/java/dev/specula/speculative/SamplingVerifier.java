package dev.specula.speculative;

import dev.specula.sampling.Sampler;

/**
 * Speculative sampling: each proposal is kept or replaced by {@link RejectionRule}, with p from the
 * target's row through the same {@link Sampler} (temperature and filters) that drew q; after a fully
 * accepted draft the bonus token is drawn from p. The output is distributed exactly as target-only sampling.
 */
final class SamplingVerifier implements Verifier {
    private final Sampler sampler;
    private final RejectionRule rule;
    private final int vocabSize;
    private final float[] p;
    private final float[] residual;

    SamplingVerifier(Sampler sampler, RejectionRule rule) {
        this.sampler = sampler;
        this.rule = rule;
        this.vocabSize = sampler.vocabSize();
        this.p = new float[vocabSize];
        this.residual = new float[vocabSize];
    }

    @Override
    public void verify(float[] logits, int rows, Draft draft, Block block) {
        block.reset();
        for (int i = 0; i < rows; i++) {
            sampler.distribution(logits, i * vocabSize, p);
            if (i == draft.size()) {
                block.add(sampler.draw(p));
                return;
            }
            int token = draft.token(i);
            float[] q = draft.distribution(i);
            if (rule.accept(p[token], q != null ? q[token] : 1f, sampler.nextUniform())) {
                block.accept(token);
                continue;
            }
            rule.residual(p, q, token, residual);
            block.add(sampler.draw(hasMass(residual) ? residual : p)); // no mass only through rounding
            return;
        }
    }

    private static boolean hasMass(float[] x) {
        for (float v : x) if (v > 0f) return true;
        return false;
    }
}
