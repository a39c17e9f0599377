package dev.specula.bench;

import java.util.List;

/**
 * What one cell of the grid (task × drafter × γ × temperature) measured over its samples, each generated
 * target-only and speculatively. Written to JSON in snake case; {@link #key} names the cell for resuming.
 *
 * @param models                fingerprint of the target files, so a rerun on other models does not reuse cells
 * @param tau                   block efficiency: generated tokens / target passes, pooled over the samples
 * @param acceptanceByPosition  element i: acceptance of the (i+1)-th proposal of a round, pooled
 * @param meanGamma             proposals per round (the fixed γ unless limits cut it; the mean for adaptive)
 * @param paramRatio            draft parameters / target parameters, the c of MBSU (0 for n-gram)
 * @param mbsu                  memory-bound speedup τ / (1 + c·γ̄)
 * @param draftStepCost         one measured draft step / one measured target step on this machine (0 for n-gram)
 * @param speedup               measured decode speedup: the median over samples of speculative decode tokens/s over
 *                              target-only decode tokens/s (after the prompt pass)
 * @param speedupEndToEnd       the same with the prompt pass (and the draft's) included
 * @param predictedSpeedup      τ / (γ̄·draftStepCost + r(γ̄+1)), from the target's measured r(k) (see {@link Costs})
 * @param verifyCost            the target's measured r(k) = time(k positions in one pass) / time(1), k = 1..
 * @param targetTokensPerSecond decode tokens/s of the target-only runs, pooled (all tokens over all decode time)
 * @param qualityTarget         mean task score of the target-only answers ({@link BenchTask#metric})
 * @param identicalFraction     greedy: the fraction of samples whose speculative tokens equal the target-only
 *                              tokens (must be 1); null for sampling
 * @param mismatched            ids of the samples whose greedy outputs differed
 */
public record CellResult(String task, String kind, String drafter, boolean adaptive, int gamma, double temperature,
                         int samples, int maxTokens, String models,
                         double tau, double acceptanceRate, double[] acceptanceByPosition, double meanGamma,
                         double paramRatio, double mbsu, double draftStepCost, double speedup, double speedupEndToEnd,
                         double predictedSpeedup, double[] verifyCost, double targetTokensPerSecond, double speculativeTokensPerSecond,
                         double targetMillis, double speculativeMillis, long targetTokens, long speculativeTokens,
                         String qualityMetric, double qualityTarget, double qualitySpeculative,
                         Double identicalFraction, List<String> mismatched) {

    public String key() {
        return key(task, drafter, gamma, temperature, samples, maxTokens, models);
    }

    public static String key(String task, String drafter, int gamma, double temperature, int samples, int maxTokens, String models) {
        return task + "|" + drafter + "|" + gamma + "|" + temperature + "|" + samples + "|" + maxTokens + "|" + models;
    }

    public boolean greedy() {
        return temperature <= 0;
    }

    public boolean allIdentical() {
        return identicalFraction == null || identicalFraction >= 1;
    }
}
