package dev.specula.bench;

import dev.specula.engine.Request;
import dev.specula.sampling.SamplerConfig;

/** How a sample becomes a request for the models under test (their trained prompt format). */
@FunctionalInterface
public interface PromptFormat {
    Request request(Sample sample, SamplerConfig sampling, int maxTokens);
}
