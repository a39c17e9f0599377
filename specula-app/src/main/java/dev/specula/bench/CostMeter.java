package dev.specula.bench;

import dev.specula.model.LanguageModel;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Measures what {@link Costs} predicts from: the target's r(k) and one draft step, relative to one target
 * step. Unlike {@link dev.specula.speculative.CostCurve#measure}, which times all repeats of k = 1 before
 * k = 2, the passes are interleaved (each repeat times k = 1..K and a draft step in turn), so that a burst
 * of other work on a shared machine slows every k alike instead of skewing the ratios: k-major timing on
 * the loaded 2-core development machine gave r(2) anywhere from 0.08 to 8 for the same model.
 */
public final class CostMeter {
    private static final int CONTEXT = 8;

    private CostMeter() {}

    /**
     * Medians over {@code repeats} of interleaved passes, after at least {@code warmUpSeconds} of untimed ones;
     * {@code draft} may be null (no draft model).
     */
    public static Costs measure(LanguageModel target, LanguageModel draft, int maxK, int repeats, double warmUpSeconds) {
        SplittableRandom rnd = new SplittableRandom(11);
        int[] tokens = new int[Math.max(maxK, CONTEXT)];
        for (int i = 0; i < tokens.length; i++) tokens[i] = rnd.nextInt(Math.min(target.vocabSize(), draft != null ? draft.vocabSize() : Integer.MAX_VALUE));
        float[] logits = new float[tokens.length * target.vocabSize()];
        float[] draftLogits = draft != null ? new float[tokens.length * draft.vocabSize()] : null;
        target.truncate(0);
        target.forward(tokens, CONTEXT, 1, logits);
        if (draft != null) {
            draft.truncate(0);
            draft.forward(tokens, CONTEXT, 1, draftLogits);
        }
        // Until the JIT has compiled every k's path, a pass times the compiler, not the model: the Vector API
        // runs orders of magnitude slower before C2 (seen as r(k) from 0.08 to 28 on tiny models).
        long warmUntil = System.nanoTime() + (long) (warmUpSeconds * 1e9);
        for (int round = 0; round < 3 || (System.nanoTime() < warmUntil && round < 500); round++) {
            for (int k = 1; k <= maxK; k++) time(target, tokens, k, logits);
            if (draft != null) time(draft, tokens, 1, draftLogits);
        }
        double[][] seconds = new double[maxK + 1][repeats];
        for (int r = 0; r < repeats; r++) {
            for (int k = 1; k <= maxK; k++) seconds[k - 1][r] = time(target, tokens, k, logits);
            if (draft != null) seconds[maxK][r] = time(draft, tokens, 1, draftLogits);
        }
        target.truncate(0);
        if (draft != null) draft.truncate(0);
        double one = median(seconds[0]);
        double[] ratios = new double[maxK];
        for (int k = 1; k <= maxK; k++) ratios[k - 1] = median(seconds[k - 1]) / one;
        ratios[0] = 1;
        return new Costs(ratios, draft != null ? median(seconds[maxK]) / one : 0);
    }

    private static double time(LanguageModel m, int[] tokens, int k, float[] logits) {
        m.truncate(CONTEXT);
        long t0 = System.nanoTime();
        m.forward(tokens, k, k, logits);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(double[] xs) {
        double[] a = xs.clone();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
