package dev.specula.model;

import dev.specula.Fixtures;
import dev.specula.tensor.Backend;
import dev.specula.tensor.Parallel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Speculative verification runs the target over γ+1 tokens at once; greedy output equals target-only
 * output only if those logits are exactly the ones one-token decoding gives. So every format's batched
 * kernels must add in the same order as its single-row kernel: bit equality, not a tolerance. On both
 * backends: the native one (when its library loaded) runs the Q4_0 and Q8_0 products, and the Q4_K ones
 * at its SIMD levels (AVX2 and up).
 */
class BatchInvarianceTest {

    static Stream<Arguments> cases() {
        return Stream.of(Backend.JAVA, Backend.NATIVE).flatMap(backend ->
                Stream.of("f16", "q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q4_k", "q5_k", "q6_k")
                        .map(type -> Arguments.of(backend, type)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void batchedLogitsEqualOneTokenAtATimeBitForBit(Backend backend, String type) throws Exception {
        Backend previous = Backend.selected();
        try {
            Backend.select(backend);
        } catch (IllegalStateException e) {
            Assumptions.abort("native backend unavailable here: " + Backend.nativeStatus());
        }
        Random rnd = new Random(3);
        // 9 tokens: more than one group of the Q4_0/Q8_0 kernels (8 inputs), with a group of 1 left over
        int[] tokens = new int[9];
        for (int i = 0; i < tokens.length; i++) tokens[i] = 3 + rnd.nextInt(500);
        try (Parallel pool = new Parallel(2);
             LlamaModel m = LlamaModel.open(Fixtures.own("tiny-llava-lm-" + type + ".gguf"), pool,
                     LlamaModel.Options.defaults().withContextLength(64))) {
            int v = m.vocabSize();
            for (int batch : new int[] {tokens.length, 5}) {
                float[] batched = new float[batch * v];
                m.truncate(0);
                m.forward(Arrays.copyOf(tokens, batch), batch, batch, batched);
                m.truncate(0);
                float[] one = new float[v];
                for (int i = 0; i < batch; i++) {
                    m.forward(new int[] {tokens[i]}, 1, 1, one);
                    for (int j = 0; j < v; j++) {
                        assertThat(batched[i * v + j]).as("%s %s batch %d position %d logit %d", backend, type, batch, i, j)
                                .isEqualTo(one[j]);
                    }
                }
            }
        } finally {
            Backend.select(previous);
        }
    }

    /** The batch the core lets verification use is one whose logits still equal one-token logits. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"f16", "q8_0", "q4_k"})
    void logitsAreBitIdenticalUpToMaxVerifyBatch(String type) throws Exception {
        Random rnd = new Random(4);
        try (Parallel pool = new Parallel(2);
             LlamaModel m = LlamaModel.open(Fixtures.own("tiny-llava-lm-" + type + ".gguf"), pool,
                     LlamaModel.Options.defaults().withContextLength(128))) {
            int batch = m.maxVerifyBatch();
            assertThat(batch).isGreaterThanOrEqualTo(33);
            int[] tokens = new int[batch];
            for (int i = 0; i < batch; i++) tokens[i] = 3 + rnd.nextInt(500);
            int v = m.vocabSize();
            float[] batched = new float[batch * v];
            m.forward(tokens, batch, batch, batched);
            m.truncate(0);
            float[] one = new float[v];
            for (int i = 0; i < batch; i++) {
                m.forward(new int[] {tokens[i]}, 1, 1, one);
                assertThat(Arrays.copyOfRange(batched, i * v, (i + 1) * v)).as("%s position %d", type, i).isEqualTo(one);
            }
        }
    }
}
