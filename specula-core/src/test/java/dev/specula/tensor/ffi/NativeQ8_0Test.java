package dev.specula.tensor.ffi;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.format.InputRounding;
import dev.specula.tensor.format.QuantizedFormatsTest;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The native Q8_0 kernel, at every instruction level this CPU has, against the Java Q8_0 product in llama.cpp's order
 * ({@code Q8Dot}, through the format's matmulRows on the rounded inputs): the same bits. Skipped, with the reason,
 * where the library was not built or does not load.
 */
class NativeQ8_0Test {

    @BeforeAll
    static void requireLibrary() {
        Assumptions.assumeTrue(NativeQ8_0.available(), "skipped: native Q8_0 kernel unavailable: " + NativeQ8_0.problem());
    }

    /**
     * Columns: 1 block; 3; 8 (one span); 9 and 25 (a partial span after whole ones); 17 (a group and one); 34; 128
     * (4096: whole groups, column chunks from 5 inputs on); 131 (4192); 344 (11008: 21 groups and a half). Odd and
     * even row counts, so that the last row is alone or in a pair, over more than one block of 8 pairs.
     */
    private static final int[][] SHAPES = {{3, 32}, {6, 96}, {5, 256}, {7, 288}, {4, 800}, {9, 544}, {13, 1088},
            {37, 4096}, {18, 4192}, {5, 11008}};
    private static final int[] BATCHES = {1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 17, 33};

    @Test
    void equalsTheJavaProductBitForBitAtEveryLevelBatchAndShape() {
        Random rnd = new Random(31);
        TensorFormat f = TensorFormat.of(GgmlType.Q8_0);
        try (Parallel pool = new Parallel(2)) {
            for (int[] shape : SHAPES) {
                int rows = shape[0], cols = shape[1];
                MemorySegment w = QuantizedFormatsTest.randomBlocks(GgmlType.Q8_0, (long) rows * cols, rnd);
                MemorySegment packed = NativeQ8_0.repack(w, rows, cols, pool);
                for (int batch : BATCHES) {
                    if ((long) batch * cols > 5 * 11008) continue;
                    float[] x = QuantizedFormatsTest.randomFloats(batch * cols, rnd);
                    for (int i = 0; i < 32; i++) x[i] = 0f; // an all-zero block: d = 0
                    float[] rounded = InputRounding.Q8_0.round(x, batch * cols, new float[batch * cols]);
                    // odd starts and ends: a pair's second row first, or its first row last
                    int start = rnd.nextInt(Math.min(3, rows)), end = rows - rnd.nextInt(Math.min(3, rows - start));
                    int stride = rows + 1;
                    float[] expected = new float[batch * stride];
                    f.matmulRows(w, cols, start, end, rounded, batch, expected, stride);
                    Q8_0Inputs in = new Q8_0Inputs();
                    in.quantize(x, batch, cols);
                    for (int level = NativeKernels.cpuLevel(); level >= NativeKernels.SCALAR; level--) {
                        float[] got = new float[batch * stride];
                        NativeQ8_0.matmulRows(level, packed, rows, cols, start, end, in, batch, MemorySegment.ofArray(got), stride);
                        for (int i = 0; i < got.length; i++) {
                            if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(expected[i])) {
                                assertThat(Float.floatToRawIntBits(got[i])).as("%s rows=%d [%d, %d) cols=%d batch=%d input %d row %d: %s, Java %s",
                                        NativeKernels.levelName(level), rows, start, end, cols, batch, i / stride, i % stride,
                                        got[i], expected[i]).isEqualTo(Float.floatToRawIntBits(expected[i]));
                            }
                        }
                    }
                }
            }
        }
    }
}
