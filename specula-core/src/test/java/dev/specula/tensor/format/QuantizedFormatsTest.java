package dev.specula.tensor.format;

import dev.specula.Fixtures;
import dev.specula.gguf.GgufFile;
import dev.specula.gguf.TensorInfo;
import dev.specula.tensor.GgmlType;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.infra.Layouts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Q8_0 and Q4_0: the Vector API kernels against plain scalar definitions, and quantization against llama.cpp. */
public class QuantizedFormatsTest {

    private static TensorFormat format(String name) {
        return TensorFormat.of(GgmlType.parse(name));
    }

    /** Random blocks with small random scales: any byte pattern is a valid block of either format. */
    public static MemorySegment randomBlocks(GgmlType type, long values, Random rnd) {
        long blocks = values / type.blockSize();
        byte[] bytes = new byte[(int) (blocks * type.typeSize())];
        rnd.nextBytes(bytes);
        MemorySegment seg = MemorySegment.ofArray(bytes);
        for (long b = 0; b < blocks; b++) {
            float d = (float) (rnd.nextGaussian() * 0.01);
            seg.set(Layouts.SHORT, b * type.typeSize(), Float.floatToFloat16(d));
        }
        return seg;
    }

    /** The value at element i, straight from the block layout in ggml-common.h. */
    private static float scalarValue(GgmlType type, MemorySegment data, long i) {
        long block = i / 32;
        int j = (int) (i % 32);
        long off = block * type.typeSize();
        float d = Float.float16ToFloat(data.get(Layouts.SHORT, off));
        if (type == GgmlType.Q8_0) {
            return data.get(Layouts.BYTE, off + 2 + j) * d;
        }
        int q = data.get(Layouts.BYTE, off + 2 + (j % 16)) & 0xFF;
        return ((j < 16 ? q & 0x0F : q >>> 4) - 8) * d;
    }

    public static float[] randomFloats(int n, Random rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q4_0"})
    void dequantizeFollowsTheBlockLayout(String name) {
        TensorFormat f = format(name);
        Random rnd = new Random(1);
        MemorySegment data = randomBlocks(f.type(), 32 * 40, rnd);
        for (int trial = 0; trial < 50; trial++) {
            int first = rnd.nextInt(40);
            int n = 32 * (1 + rnd.nextInt(40 - first));
            float[] out = new float[n + 3];
            f.dequantize(data, 32L * first, out, 3, n);
            for (int i = 0; i < n; i++) {
                assertThat(out[3 + i]).isEqualTo(scalarValue(f.type(), data, 32L * first + i));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q4_0"})
    void dotMatchesTheScalarReference(String name) {
        TensorFormat f = format(name);
        Random rnd = new Random(2);
        MemorySegment data = randomBlocks(f.type(), 32 * 64, rnd);
        float[] raw = randomFloats(32 * 64 + 5, rnd);
        for (int trial = 0; trial < 200; trial++) {
            int first = rnd.nextInt(64);
            int n = 32 * (1 + rnd.nextInt(64 - first));
            int xo = rnd.nextInt(6);
            // the n values from xo rounded as Product rounds a product's inputs (Q4_0's dot rounds them so itself,
            // as llama.cpp does, so it meets the exact product only on values rounded already)
            float[] x = raw.clone();
            System.arraycopy(f.inputRounding().round(Arrays.copyOfRange(raw, xo, xo + n), n, new float[n]), 0, x, xo, n);
            float expected = f.dotScalar(data, 32L * first, x, xo, n);
            float actual = f.dot(data, 32L * first, x, xo, n);
            assertThat(actual).isCloseTo(expected, within(1e-4f * (float) Math.sqrt(n)));
        }
    }

    /** Odd row counts, sub-ranges, column counts across several tiles, and every batch size to 16. */
    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q4_0"})
    void matmulRowsMatchesPerRowDotsForEveryBatchSize(String name) {
        TensorFormat f = format(name);
        Random rnd = new Random(3);
        int[][] shapes = {{1, 32}, {3, 96}, {7, 1088}, {13, 2080}, {6, 256}};
        for (int[] shape : shapes) {
            int rows = shape[0], cols = shape[1];
            MemorySegment data = randomBlocks(f.type(), (long) rows * cols, rnd);
            for (int batch = 1; batch <= 16; batch++) {
                // rounded as Product rounds a product's inputs: the kernels add in llama.cpp's order over those
                float[] x = f.inputRounding().round(randomFloats(batch * cols, rnd), batch * cols, new float[batch * cols]);
                int start = rows > 2 ? rnd.nextInt(2) : 0;
                int end = rows - (rows > 4 ? rnd.nextInt(2) : 0);
                int stride = rows + 2;
                float[] out = new float[batch * stride];
                f.matmulRows(data, cols, start, end, x, batch, out, stride);
                for (int b = 0; b < batch; b++) {
                    for (int r = 0; r < rows; r++) {
                        float got = out[b * stride + r];
                        if (r < start || r >= end) {
                            assertThat(got).as("row %d outside the range", r).isZero();
                        } else {
                            float expected = f.dotScalar(data, (long) r * cols, x, b * cols, cols);
                            assertThat(got).as("%s rows=%d cols=%d batch=%d b=%d r=%d", name, rows, cols, batch, b, r)
                                    .isCloseTo(expected, within(1e-4f * (float) Math.sqrt(cols)));
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q4_0"})
    void quantizeThenDequantizeStaysWithinAStep(String name) {
        TensorFormat f = format(name);
        Random rnd = new Random(4);
        int n = 32 * 50;
        float[] x = randomFloats(n, rnd);
        for (int i = 0; i < 32; i++) x[i] = 0f; // an all-zero block has scale 0
        MemorySegment q = MemorySegment.ofArray(new byte[(int) f.type().byteSize(n)]);
        f.quantize(x, 0, n, q, 0);
        float[] back = new float[n];
        f.dequantize(q, 0, back, 0, n);
        for (int b = 0; b < n / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b * 32 + j]));
            boolean q8 = f.type() == GgmlType.Q8_0;
            float step = amax / (q8 ? 127 : 8);
            // Half a step; Q4_0 clamps at +7 steps on the side opposite the largest value, so a whole one
            // there. Plus the rounding of the scale to half precision, over up to 127 steps.
            float bound = step * (q8 ? 0.5f : 1f) + amax * 2e-3f + 1e-7f;
            for (int j = 0; j < 32; j++) {
                assertThat(back[b * 32 + j]).isCloseTo(x[b * 32 + j], within(bound));
            }
        }
    }

    /** Quantizing the F16 model's matrices reproduces, byte for byte, what llama-quantize wrote. */
    @ParameterizedTest
    @ValueSource(strings = {"q8_0", "q4_0"})
    void quantizeReproducesLlamaQuantizeBytes(String name) throws IOException {
        TensorFormat f = format(name);
        try (GgufFile source = GgufFile.open(Fixtures.own("tiny-llava-lm-f16.gguf"));
             GgufFile quantized = GgufFile.open(Fixtures.own("tiny-llava-lm-" + name + ".gguf"))) {
            int checked = 0;
            for (TensorInfo t : quantized.tensorList()) {
                if (t.type() != f.type()) continue;
                TensorInfo src = source.tensor(t.name());
                assertThat(src.type()).isEqualTo(GgmlType.F16);
                int n = (int) src.elementCount();
                float[] values = new float[n];
                F16.INSTANCE.dequantize(source.tensorData(src), 0, values, 0, n);
                byte[] mine = new byte[(int) f.type().byteSize(n)];
                f.quantize(values, 0, n, MemorySegment.ofArray(mine), 0);
                byte[] theirs = quantized.tensorData(t).toArray(Layouts.BYTE);
                assertThat(mine).as(t.name()).isEqualTo(theirs);
                checked++;
            }
            assertThat(checked).isGreaterThanOrEqualTo(30);
        }
    }

    @Test
    void typeSwitchKnowsBothFormats() {
        assertThat(TensorFormat.of(GgmlType.Q8_0)).isSameAs(Q8_0.INSTANCE);
        assertThat(TensorFormat.of(GgmlType.Q4_0)).isSameAs(Q4_0.INSTANCE);
    }
}
