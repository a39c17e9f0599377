package dev.specula.speculative;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one speculative generation did, recorded beside the loop (one call per round).
 *
 * <ul>
 * <li>Block efficiency τ = generated tokens / target passes that yielded them (the prompt pass counts
 *     once, for the first token), so plain decoding gives exactly 1 and γ drafts at most γ+1.</li>
 * <li>MBSU = τ / (1 + c·γ̄), c = draft parameters / target parameters (0 without a draft model), γ̄ the
 *     mean number of proposals per round (the fixed γ unless limits cut it, the mean for adaptive γ).</li>
 * <li>Acceptance at position i: of the rounds that proposed an (i+1)-th token, the fraction in which it was
 *     accepted (so it can only fall with i).</li>
 * <li>Times: prefill (both prompts), draft (proposing), verify (the target pass and the accept test),
 *     other (the rest of the wall time).</li>
 * </ul>
 */
public final class SpecStats {
    private final double costRatio;
    private final int gammaMax;
    private long rounds;
    private long targetCalls;
    private long generated;
    private long drafted;
    private long accepted;
    private long draftCalls;
    private long[] proposedAt = new long[8];
    private long[] acceptedAt = new long[8];
    private long prefillNanos;
    private long draftNanos;
    private long verifyNanos;
    private long wallNanos;

    /** @param costRatio c = draft parameters / target parameters */
    public SpecStats(double costRatio, int gammaMax) {
        this.costRatio = costRatio;
        this.gammaMax = gammaMax;
    }

    /** The prompt pass, which also yields the first token. */
    void prefill(long nanos) {
        prefillNanos += nanos;
        targetCalls++;
        generated++;
    }

    /** One round: proposals made, proposals accepted, tokens the round added to the output. */
    void round(int proposals, int acceptedProposals, int produced, long draftTime, long verifyTime) {
        rounds++;
        targetCalls++;
        generated += produced;
        drafted += proposals;
        accepted += acceptedProposals;
        if (proposals > proposedAt.length) {
            proposedAt = Arrays.copyOf(proposedAt, proposals);
            acceptedAt = Arrays.copyOf(acceptedAt, proposals);
        }
        for (int i = 0; i < proposals; i++) proposedAt[i]++;
        for (int i = 0; i < acceptedProposals; i++) acceptedAt[i]++;
        draftNanos += draftTime;
        verifyNanos += verifyTime;
    }

    void finish(long draftForwardCalls, long wallTime) {
        draftCalls = draftForwardCalls;
        wallNanos = wallTime;
    }

    public long targetCalls() {
        return targetCalls;
    }

    public long draftCalls() {
        return draftCalls;
    }

    public long generated() {
        return generated;
    }

    public long drafted() {
        return drafted;
    }

    public long accepted() {
        return accepted;
    }

    /** Rounds after the prompt pass (target calls less one). */
    public long rounds() {
        return rounds;
    }

    /** Element i: rounds that proposed an (i+1)-th token; with {@link #acceptedCounts}, for pooling runs. */
    public long[] proposedCounts() {
        return Arrays.copyOf(proposedAt, acceptanceByPosition().length);
    }

    /** Element i: rounds whose (i+1)-th proposal was accepted. */
    public long[] acceptedCounts() {
        return Arrays.copyOf(acceptedAt, acceptanceByPosition().length);
    }

    public double acceptanceRate() {
        return drafted == 0 ? 0 : (double) accepted / drafted;
    }

    /** Element i: acceptance of the (i+1)-th proposal of a round; as long as the longest round. */
    public double[] acceptanceByPosition() {
        int n = 0;
        while (n < proposedAt.length && proposedAt[n] > 0) n++;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = (double) acceptedAt[i] / proposedAt[i];
        return out;
    }

    public double blockEfficiency() {
        long calls = targetCalls();
        return calls == 0 ? 0 : (double) generated / calls;
    }

    /** γ̄: mean proposals per round. */
    public double meanGamma() {
        return rounds == 0 ? 0 : (double) drafted / rounds;
    }

    public int gammaMax() {
        return gammaMax;
    }

    public double costRatio() {
        return costRatio;
    }

    public double mbsu() {
        return blockEfficiency() / (1 + costRatio * meanGamma());
    }

    public double prefillMillis() {
        return prefillNanos / 1e6;
    }

    public double draftMillis() {
        return draftNanos / 1e6;
    }

    public double verifyMillis() {
        return verifyNanos / 1e6;
    }

    public double otherMillis() {
        return Math.max(0, wallNanos - prefillNanos - draftNanos - verifyNanos) / 1e6;
    }

    public double wallMillis() {
        return wallNanos / 1e6;
    }

    /** Generated tokens over the whole wall time, prefill included. */
    public double tokensPerSecond() {
        return wallNanos == 0 ? 0 : generated * 1e9 / wallNanos;
    }

    /** For JSON {@code stats.speculative}: numbers and one array, keys in snake case. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target_calls", targetCalls());
        m.put("draft_calls", draftCalls());
        m.put("generated", generated());
        m.put("drafted", drafted());
        m.put("accepted", accepted());
        m.put("acceptance_rate", acceptanceRate());
        m.put("acceptance_by_position", acceptanceByPosition());
        m.put("block_efficiency", blockEfficiency());
        m.put("mbsu", mbsu());
        m.put("gamma", meanGamma());
        m.put("gamma_max", gammaMax());
        m.put("cost_ratio", costRatio());
        m.put("prefill_ms", prefillMillis());
        m.put("draft_ms", draftMillis());
        m.put("verify_ms", verifyMillis());
        m.put("other_ms", otherMillis());
        m.put("wall_ms", wallMillis());
        m.put("tokens_per_second", tokensPerSecond());
        return m;
    }
}
