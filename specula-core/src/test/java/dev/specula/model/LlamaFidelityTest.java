package dev.specula.model;

import dev.specula.sampling.Sampler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Teacher-forced agreement with llama.cpp on every recorded text run: feed the prompt, then at each step
 * compare the logits with the recorded top-5 and feed llama.cpp's token, so one near-tie cannot derail the rest.
 * llama.cpp quantizes activations and keeps an F16 cache (fixtures README §5), hence the tolerances.
 */
class LlamaFidelityTest {
    private static final float CLEAR_MARGIN = 0.1f;
    private static final float RELATIVE_TOLERANCE = 0.02f;

    static java.util.stream.Stream<String> runs() {
        return ExpectedRun.textRuns();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void teacherForcedLogitsMatchLlamaCpp(String name) {
        ExpectedRun run = ExpectedRun.read(name);
        try (LlamaModel model = TestModels.open(run.modelPath())) {
            int vocab = model.vocabSize();
            float[] logits = new float[vocab];
            model.forward(run.prompt(), run.prompt().length, 1, logits);
            for (int i = 0; i < run.steps().size(); i++) {
                ExpectedRun.Step step = run.steps().get(i);
                float scale = 0f;
                for (float l : logits) scale = Math.max(scale, Math.abs(l));
                for (int j = 0; j < step.topIds().length; j++) {
                    assertThat(logits[step.topIds()[j]]).as("%s step %d: logit of token %d", name, i, step.topIds()[j])
                            .isCloseTo(step.topLogits()[j], org.assertj.core.api.Assertions.within(RELATIVE_TOLERANCE * scale));
                }
                if (step.margin() >= CLEAR_MARGIN) {
                    assertThat(Sampler.argmax(logits, 0, vocab)).as("%s step %d: greedy token (margin %.3f)", name, i, step.margin())
                            .isEqualTo(step.token());
                }
                model.forward(new int[]{step.token()}, 1, 1, logits);
            }
        }
    }
}
