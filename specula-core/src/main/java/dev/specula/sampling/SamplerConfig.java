package dev.specula.sampling;

/**
 * How to pick the next token from logits.
 *
 * @param temperature {@code <= 0} means greedy (argmax)
 * @param topK        keep the {@code topK} largest logits; 0 disables
 * @param topP        keep the smallest most-likely prefix whose probability reaches {@code topP}; 0 or 1 disables
 * @param minP        drop tokens less likely than {@code minP} times the most likely one; 0 disables
 * @param seed        seed of the sampler's random generator
 */
public record SamplerConfig(float temperature, int topK, float topP, float minP, long seed) {

    public SamplerConfig {
        if (Float.isNaN(temperature)) throw new IllegalArgumentException("temperature is NaN");
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        if (!(topP >= 0f && topP <= 1f)) throw new IllegalArgumentException("top-p must be in [0, 1], got " + topP);
        if (!(minP >= 0f && minP <= 1f)) throw new IllegalArgumentException("min-p must be in [0, 1], got " + minP);
    }

    public static SamplerConfig greedy() {
        return new SamplerConfig(0f, 0, 1f, 0f, 0L);
    }

    public boolean isGreedy() {
        return temperature <= 0f;
    }
}
