package dev.specula.bench;

import dev.specula.model.LanguageModel;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times whole forward passes of a model: decode (one token), prefill (a batch), and the verify-cost
 * curve r(k) = time(one pass over k tokens) / time(one pass over 1 token) that decides whether
 * speculative decoding pays on this machine. Every figure is a median over repeats.
 */
public final class ModelTimer {

    public record Result(double decodeTps, double prefillTps, int prefillTokens, Map<Integer, Double> verifyRatio,
                         Map<Integer, Double> passMillis) {}

    private final LanguageModel model;
    private final float[] logits;
    private final SplittableRandom rnd = new SplittableRandom(7);

    public ModelTimer(LanguageModel model, int maxRows) {
        this.model = model;
        this.logits = new float[maxRows * model.vocabSize()];
    }

    private int[] tokens(int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = 3 + rnd.nextInt(model.vocabSize() - 3);
        return t;
    }

    /** Median seconds of a pass over k tokens (logits for all k) starting at position {@code base}. */
    public double pass(int base, int k, int repeats) {
        double[] s = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            model.truncate(base);
            int[] t = tokens(k);
            long t0 = System.nanoTime();
            model.forward(t, k, k, logits);
            s[r] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(s);
        return s[repeats / 2];
    }

    public Result run(int prefillTokens, int decodeRepeats, int maxK, int repeats) {
        // warm up the JIT and page in the weights
        model.truncate(0);
        model.forward(tokens(16), 16, 1, logits);
        pass(16, 1, 2);
        int base = 16;
        Map<Integer, Double> millis = new LinkedHashMap<>();
        double one = pass(base, 1, decodeRepeats);
        millis.put(1, one * 1e3);
        Map<Integer, Double> ratio = new LinkedHashMap<>();
        ratio.put(1, 1.0);
        for (int k = 2; k <= maxK; k++) {
            double t = pass(base, k, repeats);
            millis.put(k, t * 1e3);
            ratio.put(k, t / one);
        }
        double[] pre = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            model.truncate(0);
            int[] t = tokens(prefillTokens);
            long t0 = System.nanoTime();
            model.forward(t, prefillTokens, 1, logits);
            pre[r] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(pre);
        model.truncate(0);
        return new Result(1 / one, prefillTokens / pre[repeats / 2], prefillTokens, ratio, millis);
    }
}
