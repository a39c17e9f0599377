package dev.specula.model;

/**
 * Timings of one generation: the prompt evaluated before it and the tokens decoded.
 *
 * @param promptNanos wall time of the prompt evaluation
 * @param decodeNanos wall time from the first sampled token to the stop, forward passes included
 */
public record GenerationStats(int promptTokens, long promptNanos, int generatedTokens, long decodeNanos) {

    public double promptTokensPerSecond() {
        return rate(promptTokens, promptNanos);
    }

    public double decodeTokensPerSecond() {
        return rate(generatedTokens, decodeNanos);
    }

    /** Milliseconds per generated token; 0 when none was generated. */
    public double millisPerToken() {
        return generatedTokens == 0 ? 0 : decodeNanos / 1e6 / generatedTokens;
    }

    private static double rate(int tokens, long nanos) {
        return nanos <= 0 ? 0 : tokens * 1e9 / nanos;
    }
}
