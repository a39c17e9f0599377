package dev.specula.speculative;

import java.util.Arrays;

/**
 * Picks γ each round to maximise expected tokens per unit of time, from what recent rounds accepted.
 *
 * <p>The rule. {@code a[i]} is an exponential moving average (rate {@code smoothing}) of the chance that
 * proposal {@code i+1} is accepted given that those before it were; only judged positions are updated
 * (those up to and including the first rejection). A round with γ drafts then yields
 * <pre>  E(γ) = 1 + Σ_{k=1..γ} a[0]·…·a[k-1]   tokens (the accepted prefix plus the target's own token)</pre>
 * and takes
 * <pre>  T(γ) = r(γ+1) + γ·c   units of a one-token target pass,</pre>
 * where r(k) is the time of a target pass over k tokens relative to one token (1 for all k when decoding
 * is memory-bound) and c the time of a draft step relative to a one-token target pass. The chosen γ is
 * the argmax of E(γ)/T(γ) over 0..max; γ = 0 scores exactly 1, so drafting is used only when some γ
 * strictly beats plain decoding.
 *
 * <p>While γ is 0, every {@code probeInterval}-th round drafts one token all the same; the target judges
 * it from the one row it computes anyway, so a[0] keeps tracking the draft at the cost of one draft step.
 */
public final class AdaptiveGamma implements GammaPolicy {
    private final int maxGamma;
    private final double[] targetCost;
    private final double draftCost;
    private final double smoothing;
    private final double initialAcceptance;
    private final int probeInterval;
    private final double[] acceptance;
    private int last;
    private int roundsAtZero;

    /** Smoothing 0.2, starting acceptance 0.5, a probe every 8 rounds at γ = 0. */
    public AdaptiveGamma(int maxGamma, double[] targetCost, double draftCost) {
        this(maxGamma, targetCost, draftCost, 0.2, 0.5, 8);
    }

    /**
     * @param targetCost r(k) = {@code targetCost[k-1]}, at least {@code maxGamma+1} entries (scaled so that
     *                   r(1) = 1); null or empty means memory-bound, r(k) = 1
     * @param draftCost  time of one draft step relative to a one-token target pass (≈ draft/target
     *                   parameters when memory-bound; 0 for n-gram lookup)
     * @param probeInterval rounds between probes while γ = 0; 0 never probes
     */
    public AdaptiveGamma(int maxGamma, double[] targetCost, double draftCost,
                         double smoothing, double initialAcceptance, int probeInterval) {
        if (maxGamma < 0) throw new IllegalArgumentException("max γ must be >= 0, got " + maxGamma);
        if (!(draftCost >= 0)) throw new IllegalArgumentException("draft cost must be >= 0, got " + draftCost);
        if (!(smoothing > 0 && smoothing <= 1)) throw new IllegalArgumentException("smoothing must be in (0, 1]");
        if (!(initialAcceptance >= 0 && initialAcceptance <= 1)) throw new IllegalArgumentException("acceptance must be in [0, 1]");
        if (probeInterval < 0) throw new IllegalArgumentException("probe interval must be >= 0");
        this.maxGamma = maxGamma;
        this.targetCost = new double[maxGamma + 1];
        if (targetCost == null || targetCost.length == 0) {
            Arrays.fill(this.targetCost, 1.0);
        } else {
            if (targetCost.length < maxGamma + 1) {
                throw new IllegalArgumentException("cost curve has " + targetCost.length + " entries, need r(1.."
                        + (maxGamma + 1) + ")");
            }
            for (int k = 0; k <= maxGamma; k++) this.targetCost[k] = targetCost[k] / targetCost[0];
        }
        this.draftCost = draftCost;
        this.smoothing = smoothing;
        this.initialAcceptance = initialAcceptance;
        this.probeInterval = probeInterval;
        this.acceptance = new double[maxGamma];
        reset();
    }

    @Override
    public void reset() {
        Arrays.fill(acceptance, initialAcceptance);
        last = 0;
        roundsAtZero = 0;
    }

    @Override
    public int gamma(int limit) {
        last = Math.min(choose(), Math.max(limit, 0));
        return last;
    }

    /** The γ that maximises E(γ)/T(γ) under the current estimates. */
    public int choose() {
        int best = 0;
        double bestRate = 1.0;
        double expected = 1.0;
        double prefix = 1.0;
        for (int g = 1; g <= maxGamma; g++) {
            prefix *= acceptance[g - 1];
            expected += prefix;
            double rate = expected / (targetCost[g] + g * draftCost);
            if (rate > bestRate) {
                bestRate = rate;
                best = g;
            }
        }
        return best;
    }

    @Override
    public boolean probe() {
        return last == 0 && maxGamma > 0 && probeInterval > 0 && ++roundsAtZero % probeInterval == 0;
    }

    @Override
    public void observe(int drafted, int accepted) {
        int judged = Math.min(Math.min(drafted, accepted + 1), maxGamma);
        for (int i = 0; i < judged; i++) {
            acceptance[i] += smoothing * ((i < accepted ? 1.0 : 0.0) - acceptance[i]);
        }
    }

    @Override
    public int max() {
        return maxGamma;
    }

    /** Current estimate of the chance that proposal {@code position} (1-based) is accepted given the earlier ones were. */
    public double acceptance(int position) {
        return acceptance[position - 1];
    }
}
