package dev.specula.speculative;

import dev.specula.model.ExpectedRun;
import dev.specula.model.LlamaModel;
import dev.specula.model.Prompt;
import dev.specula.model.TestModels;
import dev.specula.sampling.Sampler;
import dev.specula.sampling.SamplerConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain decoding is the speculative loop with no drafter (what the engine runs for target-only requests):
 * it must give llama.cpp's greedy text, one target pass per token.
 */
class PlainDecodingTest {

    @Test
    void theLoopWithNoDrafterReproducesLlamaCppText() {
        ExpectedRun run = ExpectedRun.read("expected/stories260K/prompt3.json");
        try (LlamaModel model = TestModels.open(run.modelPath())) {
            SpeculativeDecoder d = new SpeculativeDecoder(model, new NoDrafter(),
                    new Sampler(SamplerConfig.greedy(), model.vocabSize()), new FixedGamma(0));
            List<Integer> seen = new ArrayList<>();
            Generation out = d.generate(Prompt.of(run.prompt()), 64, t -> t == 2, seen::add);
            assertThat(out.tokens()).containsExactly(run.tokens());
            assertThat(out.stop()).isEqualTo(StopReason.LENGTH);
            assertThat(seen).hasSize(64);
            assertThat(out.stats().targetCalls()).isEqualTo(64);
            assertThat(out.stats().blockEfficiency()).isEqualTo(1.0);
            assertThat(out.stats().drafted()).isZero();
        }
    }
}
