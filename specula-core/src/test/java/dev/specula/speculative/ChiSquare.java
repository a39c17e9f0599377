package dev.specula.speculative;

import java.util.ArrayList;
import java.util.List;

/** Pearson's goodness-of-fit test, with the p-value from the regularised upper incomplete gamma function. */
final class ChiSquare {
    private ChiSquare() {}

    /**
     * p-value of observed counts against expected probabilities; cells expected fewer than 5 times are
     * pooled into one, as the chi-square approximation needs.
     */
    static double goodnessOfFit(long[] observed, double[] probabilities) {
        long n = 0;
        for (long o : observed) n += o;
        List<double[]> cells = new ArrayList<>();
        double pooledExpected = 0, pooledObserved = 0;
        for (int i = 0; i < observed.length; i++) {
            double e = probabilities[i] * n;
            if (e >= 5) {
                cells.add(new double[] {observed[i], e});
            } else {
                pooledExpected += e;
                pooledObserved += observed[i];
            }
        }
        if (pooledExpected > 0) cells.add(new double[] {pooledObserved, pooledExpected});
        double statistic = 0;
        for (double[] c : cells) statistic += (c[0] - c[1]) * (c[0] - c[1]) / c[1];
        return pValue(statistic, cells.size() - 1);
    }

    /** P(X ≥ statistic) for X ~ χ²(df) = Q(df/2, statistic/2). */
    static double pValue(double statistic, int df) {
        return upperGamma(df / 2.0, statistic / 2.0);
    }

    /** Regularised upper incomplete gamma Q(a, x): a series below a+1, a continued fraction above. */
    static double upperGamma(double a, double x) {
        if (x <= 0) return 1;
        double logPrefix = -x + a * Math.log(x) - logGamma(a);
        if (x < a + 1) {
            double term = 1 / a, sum = term;
            for (int n = 1; n < 10_000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
                term *= x / (a + n);
                sum += term;
            }
            return 1 - sum * Math.exp(logPrefix);
        }
        double tiny = 1e-300;
        double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (int i = 1; i < 10_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < tiny) d = tiny;
            c = b + an / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-15) break;
        }
        return Math.exp(logPrefix) * h;
    }

    /** ln Γ(a) for a > 0 (Lanczos, g = 7, nine coefficients). */
    static double logGamma(double a) {
        if (a < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * a)) - logGamma(1 - a);
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                1.5056327351493116e-7};
        a -= 1;
        double sum = g[0];
        for (int i = 1; i < g.length; i++) sum += g[i] / (a + i);
        double t = a + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (a + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
