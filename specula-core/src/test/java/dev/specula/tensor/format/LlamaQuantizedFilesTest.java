package dev.specula.tensor.format;

import dev.specula.Fixtures;
import dev.specula.gguf.GgufFile;
import dev.specula.gguf.TensorInfo;
import dev.specula.tensor.GgmlType;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.infra.Layouts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The own fixtures {@code tiny-llava-lm-<type>.gguf} are {@code llama-quantize --pure} of the F16 model:
 * our dequantization of every matrix must land near the F16 values (which proves the block layouts), and
 * our quantizers, given the F16 values, must write llama-quantize's bytes exactly.
 */
class LlamaQuantizedFilesTest {

    /** The bound on relative RMS error is about 1.3x what the F16 matrices show (N(0, σ) data). */
    @ParameterizedTest
    @CsvSource({"q4_1, 0.1", "q5_0, 0.05", "q5_1, 0.045", "q4_k, 0.09", "q5_k, 0.045", "q6_k, 0.024"})
    void dequantizedMatricesStayNearTheF16Values(String name, double bound) throws IOException {
        TensorFormat f = TensorFormat.of(GgmlType.parse(name));
        try (GgufFile source = GgufFile.open(Fixtures.own("tiny-llava-lm-f16.gguf"));
             GgufFile quantized = GgufFile.open(Fixtures.own("tiny-llava-lm-" + name + ".gguf"))) {
            int checked = 0;
            for (TensorInfo t : quantized.tensorList()) {
                if (t.type() != f.type()) continue;
                int n = (int) t.elementCount();
                float[] expected = f16Values(source, t.name());
                float[] got = new float[n];
                f.dequantize(quantized.tensorData(t), 0, got, 0, n);
                double err = 0, energy = 0;
                for (int i = 0; i < n; i++) {
                    err += (got[i] - expected[i]) * (double) (got[i] - expected[i]);
                    energy += expected[i] * (double) expected[i];
                }
                assertThat(Math.sqrt(err / energy)).as(t.name()).isLessThan(bound);
                checked++;
            }
            assertThat(checked).isEqualTo(30);
        }
    }

    @ParameterizedTest
    @CsvSource({"q4_1", "q5_0", "q5_1", "q4_k", "q5_k", "q6_k"})
    void quantizeReproducesLlamaQuantizeBytes(String name) throws IOException {
        TensorFormat f = TensorFormat.of(GgmlType.parse(name));
        try (GgufFile source = GgufFile.open(Fixtures.own("tiny-llava-lm-f16.gguf"));
             GgufFile quantized = GgufFile.open(Fixtures.own("tiny-llava-lm-" + name + ".gguf"))) {
            int checked = 0;
            for (TensorInfo t : quantized.tensorList()) {
                if (t.type() != f.type()) continue;
                float[] values = f16Values(source, t.name());
                byte[] mine = new byte[(int) f.type().byteSize(values.length)];
                f.quantize(values, 0, values.length, MemorySegment.ofArray(mine), 0);
                byte[] theirs = quantized.tensorData(t).toArray(Layouts.BYTE);
                assertThat(mine).as(t.name()).isEqualTo(theirs);
                checked++;
            }
            assertThat(checked).isEqualTo(30);
        }
    }

    private static float[] f16Values(GgufFile source, String name) {
        TensorInfo t = source.tensor(name);
        assertThat(t.type()).isEqualTo(GgmlType.F16);
        float[] values = new float[(int) t.elementCount()];
        F16.INSTANCE.dequantize(source.tensorData(t), 0, values, 0, values.length);
        return values;
    }
}
