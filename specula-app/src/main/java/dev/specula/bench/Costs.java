package dev.specula.bench;

/**
 * This machine's measured costs, relative to one target decode step: the target's verify-cost curve
 * r(k) = time(one pass over k positions) / time(one position), and one draft step.
 *
 * <p>The prediction: a round drafts γ̄ tokens (γ̄ draft steps) and verifies γ̄ + 1 positions in one
 * target pass, and yields τ tokens on average, where target-only decoding yields one token per step. So
 * predicted speedup = τ / (γ̄·c + r(γ̄ + 1)), with r interpolated linearly for a fractional γ̄. It leaves out
 * everything but forward passes (sampling, verification arithmetic, the draft's catch-up on a bonus token),
 * which is where a measured speedup falls short of it.
 *
 * @param r         r[k-1] = r(k), k = 1..; r(1) = 1
 * @param draftStep c: one draft step's time / one target step's time; 0 for n-gram lookup
 */
public record Costs(double[] r, double draftStep) {

    public Costs {
        if (r.length == 0) throw new IllegalArgumentException("no r(k)");
        r = r.clone();
    }

    public double predictedSpeedup(double tau, double meanGamma) {
        return tau / (meanGamma * draftStep + ratio(meanGamma + 1));
    }

    /** r(k) for a real k >= 1, linear between the measured points and flat past the last one. */
    double ratio(double k) {
        if (k <= 1) return r[0];
        if (k >= r.length) return r[r.length - 1];
        int lo = (int) Math.floor(k);
        double w = k - lo;
        return r[lo - 1] * (1 - w) + r[lo] * w;
    }
}
