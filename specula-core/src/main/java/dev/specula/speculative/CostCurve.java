package dev.specula.speculative;

import dev.specula.model.LanguageModel;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What a forward pass costs on this machine: {@code seconds[k-1]} is the median wall time of one pass over
 * k tokens. r(k) = seconds[k-1] / seconds[0] is the verify-cost curve that {@link AdaptiveGamma} weighs
 * against the observed acceptance; on a memory-bound machine it stays near 1, on a compute-bound one it
 * grows like k and speculation stops paying.
 */
public record CostCurve(double[] seconds) {

    public CostCurve {
        if (seconds.length == 0 || !(seconds[0] > 0)) throw new IllegalArgumentException("a cost curve needs a positive 1-token time");
        seconds = seconds.clone();
    }

    /** r(k) for k = 1..length, r(1) = 1. */
    public double[] ratios() {
        double[] r = new double[seconds.length];
        for (int k = 0; k < r.length; k++) r[k] = seconds[k] / seconds[0];
        return r;
    }

    public double oneToken() {
        return seconds[0];
    }

    /**
     * Times passes over 1..maxK tokens (medians of {@code repeats}, each k after one untimed pass) on an empty
     * model, after a warm-up, and leaves the model empty again. Token ids are random, which does not matter to the cost.
     */
    public static CostCurve measure(LanguageModel model, int maxK, int repeats) {
        if (model.position() != 0) throw new IllegalStateException("measure the cost curve on an empty model");
        SplittableRandom rnd = new SplittableRandom(11);
        int[] tokens = new int[Math.max(maxK, 8)];
        float[] logits = new float[tokens.length * model.vocabSize()];
        for (int i = 0; i < tokens.length; i++) tokens[i] = rnd.nextInt(model.vocabSize());
        int base = 8;
        model.forward(tokens, base, 1, logits); // warm-up, and a little context to attend to
        double[] seconds = new double[maxK];
        double[] runs = new double[repeats];
        for (int k = 1; k <= maxK; k++) {
            // one untimed pass first: a batch size's kernels may not be compiled yet (C2 compiles a kernel per
            // group size), and a median of 3 then took r(5) from ~2 to 12-22 on a 7B model
            model.truncate(base);
            model.forward(tokens, k, k, logits);
            for (int r = 0; r < repeats; r++) {
                model.truncate(base);
                long t0 = System.nanoTime();
                model.forward(tokens, k, k, logits);
                runs[r] = (System.nanoTime() - t0) / 1e9;
            }
            Arrays.sort(runs);
            seconds[k - 1] = runs[repeats / 2];
        }
        model.truncate(0);
        return new CostCurve(seconds);
    }
}
