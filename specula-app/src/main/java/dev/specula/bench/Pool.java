package dev.specula.bench;

import dev.specula.engine.Result;
import dev.specula.speculative.SpecStats;

import java.util.Arrays;

/** Sums one side's runs over a cell's samples, so its ratios are pooled (total over total), not averaged. */
final class Pool {
    long generated;
    long targetCalls;
    long rounds;
    long drafted;
    long accepted;
    long[] proposedAt = new long[0];
    long[] acceptedAt = new long[0];
    double paramRatio;
    long tokens;
    long decodeTokens;
    double decodeMillis;
    double wallMillis;
    double quality;

    void add(Result r, double score) {
        SpecStats s = r.stats();
        generated += s.generated();
        targetCalls += s.targetCalls();
        rounds += s.rounds();
        drafted += s.drafted();
        accepted += s.accepted();
        paramRatio = s.costRatio();
        long[] p = s.proposedCounts(), a = s.acceptedCounts();
        if (p.length > proposedAt.length) {
            proposedAt = Arrays.copyOf(proposedAt, p.length);
            acceptedAt = Arrays.copyOf(acceptedAt, p.length);
        }
        for (int i = 0; i < p.length; i++) {
            proposedAt[i] += p[i];
            acceptedAt[i] += a[i];
        }
        tokens += r.tokens().length;
        decodeTokens += r.timings().decodedTokens();
        decodeMillis += r.timings().decodeMillis();
        wallMillis += r.timings().wallMillis();
        quality += score;
    }

    double tau() {
        return targetCalls == 0 ? 0 : (double) generated / targetCalls;
    }

    double acceptanceRate() {
        return drafted == 0 ? 0 : (double) accepted / drafted;
    }

    double[] acceptanceByPosition() {
        double[] out = new double[proposedAt.length];
        for (int i = 0; i < out.length; i++) out[i] = proposedAt[i] == 0 ? 0 : (double) acceptedAt[i] / proposedAt[i];
        return out;
    }

    double meanGamma() {
        return rounds == 0 ? 0 : (double) drafted / rounds;
    }

    double decodeTokensPerSecond() {
        return decodeMillis <= 0 ? 0 : decodeTokens * 1e3 / decodeMillis;
    }
}
