package dev.specula.speculative;

/**
 * The two halves of speculative sampling (Leviathan et al. 2023, Chen et al. 2023), apart so that a
 * test can swap in a broken rule and watch the output distribution move.
 */
interface RejectionRule {

    /** Whether a proposal with target probability {@code p} and draft probability {@code q} is kept, given a uniform {@code u}. */
    boolean accept(float p, float q, float u);

    /**
     * Fills {@code out} with the (unnormalised) distribution the replacement is drawn from after proposal
     * {@code token} was rejected; {@code q} null means one-hot at {@code token}.
     */
    void residual(float[] p, float[] q, int token, float[] out);

    /** Keep with probability min(1, p/q); on rejection draw from max(0, p − q). Together they reproduce p exactly. */
    RejectionRule STANDARD = new RejectionRule() {
        @Override
        public boolean accept(float p, float q, float u) {
            return u * q < p;
        }

        @Override
        public void residual(float[] p, float[] q, int token, float[] out) {
            for (int v = 0; v < p.length; v++) {
                float qv = q != null ? q[v] : v == token ? 1f : 0f;
                out[v] = Math.max(0f, p[v] - qv);
            }
        }
    };
}
