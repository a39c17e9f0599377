package dev.specula.bench;

import dev.specula.model.LanguageModel;
import dev.specula.speculative.CostCurve;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times whole forward passes of a model: decode (one token), the verify-cost curve r(k) (from
 * {@link CostCurve}) and prefill (one batch). Every figure is a median over repeats.
 */
public final class ModelTimer {

    public record Result(double decodeTps, double prefillTps, int prefillTokens, Map<Integer, Double> verifyRatio,
                         Map<Integer, Double> passMillis) {}

    private ModelTimer() {}

    public static Result run(LanguageModel model, int prefillTokens, int maxK, int repeats) {
        model.truncate(0);
        CostCurve curve = CostCurve.measure(model, maxK, repeats);
        Map<Integer, Double> ratio = new LinkedHashMap<>();
        Map<Integer, Double> millis = new LinkedHashMap<>();
        double[] r = curve.ratios();
        for (int k = 1; k <= maxK; k++) {
            ratio.put(k, r[k - 1]);
            millis.put(k, curve.seconds()[k - 1] * 1e3);
        }
        SplittableRandom rnd = new SplittableRandom(7);
        int[] tokens = new int[prefillTokens];
        float[] logits = new float[model.vocabSize()];
        double[] seconds = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            for (int t = 0; t < prefillTokens; t++) tokens[t] = rnd.nextInt(model.vocabSize());
            model.truncate(0);
            long t0 = System.nanoTime();
            model.forward(tokens, prefillTokens, 1, logits);
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(seconds);
        model.truncate(0);
        return new Result(1 / curve.oneToken(), prefillTokens / seconds[repeats / 2], prefillTokens, ratio, millis);
    }
}
