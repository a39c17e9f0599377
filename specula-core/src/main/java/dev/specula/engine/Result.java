package dev.specula.engine;

import dev.specula.sampling.TopLogits;
import dev.specula.speculative.SpecStats;

import java.util.List;

/**
 * A finished generation.
 *
 * @param tokens     the answer's tokens, without the end-of-generation token
 * @param text       the answer's text, cut before a stop string
 * @param stopString the stop string that ended it, or null
 * @param stats      the speculative loop's statistics (a target-only run has τ = 1)
 * @param topLogits  per token, when requested
 */
public record Result(int[] tokens, int[] promptTokens, String text, FinishReason finish, String stopString, Usage usage,
                     SpecStats stats, Timings timings, boolean speculative, List<TopLogits> topLogits) {}
