package dev.specula.engine;

/**
 * Where one generation's time went. Prefill is the target's (and the drafter's) prompt pass, which also
 * yields the first token; decode is everything after it. Both paths, plain and speculative, use these
 * definitions, so {@link #decodeTokensPerSecond} and {@link #millisPerToken} always agree.
 *
 * @param imageEncodeMillis vision tower and projectors, 0 for images found in the cache
 */
public record Timings(double imageEncodeMillis, double prefillMillis, double decodeMillis, int promptPositions,
                      int decodedTokens) {

    public double promptTokensPerSecond() {
        return prefillMillis <= 0 ? 0 : promptPositions * 1e3 / prefillMillis;
    }

    /** Answer tokens over the decode time (the wall time after prefill). */
    public double decodeTokensPerSecond() {
        return decodeMillis <= 0 ? 0 : decodedTokens * 1e3 / decodeMillis;
    }

    public double millisPerToken() {
        return decodedTokens == 0 ? 0 : decodeMillis / decodedTokens;
    }

    public double wallMillis() {
        return prefillMillis + decodeMillis;
    }
}
