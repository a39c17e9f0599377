package dev.specula.tensor;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The native kernels, at every instruction level this CPU has, against the pure-Java kernels on the
 * same rounded inputs. Skipped, with the reason, where the library was not built or does not load.
 */
class NativeKernelsTest {

    @BeforeAll
    static void requireLibrary() {
        Assumptions.assumeTrue(NativeKernels.available(),
                "skipped: native kernels unavailable: " + NativeKernels.problem());
    }

    @Test
    void matchesTheJavaKernelsAtEveryLevelBatchSizeAndShape() {
        Random rnd = new Random(7);
        // 1, 3, 25, 34, 8 and 16 blocks: pairs only, groups of 16 with odd and even tails, groups only
        int[][] shapes = {{1, 32}, {5, 96}, {13, 800}, {37, 1088}, {8, 256}, {9, 512}};
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q8_0}) {
            TensorFormat f = TensorFormat.of(type);
            for (int[] shape : shapes) {
                int rows = shape[0], cols = shape[1];
                MemorySegment w = QuantizedFormatsTest.randomBlocks(type, (long) rows * cols, rnd);
                for (int batch = 1; batch <= 17; batch++) {
                    float[] x = QuantizedFormatsTest.randomFloats(batch * cols, rnd);
                    Q8Activations in = new Q8Activations();
                    float[] rounded = in.rounded(x, batch, cols).clone();
                    int start = rows > 3 ? rnd.nextInt(3) : 0;
                    int end = rows - (rows > 3 ? rnd.nextInt(3) : 0);
                    int stride = rows + 1;
                    float[] expected = new float[batch * stride];
                    f.matmulRows(w, cols, start, end, rounded, batch, expected, stride);
                    for (int level = 0; level <= NativeKernels.level(); level++) {
                        float[] got = new float[batch * stride];
                        NativeKernels.inputsFor(level, type, in, x, batch, cols);
                        NativeKernels.matmulRows(level, type, w, false, cols, start, end, in, batch, MemorySegment.ofArray(got), stride);
                        for (int b = 0; b < batch; b++) {
                            for (int r = 0; r < rows; r++) {
                                int o = b * stride + r;
                                float tol = 2e-5f * magnitude(f, w, cols, r, rounded, b) + 1e-6f;
                                assertThat(got[o]).as("%s %s rows=%d cols=%d batch=%d b=%d r=%d",
                                                NativeKernels.levelName(level), type, rows, cols, batch, b, r)
                                        .isCloseTo(r >= start && r < end ? expected[o] : 0f, within(tol));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void repackedWeightsGiveTheSameBitsAsTheFileLayout() {
        Assumptions.assumeTrue(NativeKernels.readsPacked(NativeKernels.level(), 512),
                "skipped: this CPU's native level reads no repacked weights");
        int level = NativeKernels.level();
        Random rnd = new Random(11);
        // 16, 25 (odd tail), 34 (even tail) and 32 blocks a row; 131 blocks (8 groups and a tail) run in
        // column chunks from 5 inputs on, in several row blocks
        int[][] shapes = {{9, 512}, {13, 800}, {37, 1088}, {70, 1024}, {35, 4192}};
        try (Parallel pool = new Parallel(2)) {
            for (GgmlType type : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q8_0}) {
                for (int[] shape : shapes) {
                    int rows = shape[0], cols = shape[1];
                    MemorySegment w = QuantizedFormatsTest.randomBlocks(type, (long) rows * cols, rnd);
                    MemorySegment packed = NativeKernels.repack(type, w, rows, cols, pool);
                    assertThat(packed.byteSize()).isEqualTo(w.byteSize());
                    for (int batch : new int[] {1, 2, 5, 8, 13}) {
                        float[] x = QuantizedFormatsTest.randomFloats(batch * cols, rnd);
                        Q8Activations in = new Q8Activations();
                        NativeKernels.inputsFor(level, type, in, x, batch, cols);
                        float[] plain = new float[batch * rows];
                        float[] got = new float[batch * rows];
                        NativeKernels.matmulRows(level, type, w, false, cols, 0, rows, in, batch, MemorySegment.ofArray(plain), rows);
                        NativeKernels.matmulRows(level, type, packed, true, cols, 0, rows, in, batch, MemorySegment.ofArray(got), rows);
                        assertThat(got).as("%s %dx%d batch %d", type, rows, cols, batch).containsExactly(plain);
                    }
                }
            }
        }
    }

    /** Sum of |w| |x| over the row: float rounding in any order stays well within a small multiple of it. */
    private static float magnitude(TensorFormat f, MemorySegment w, int cols, int r, float[] x, int b) {
        float[] row = new float[cols];
        f.dequantize(w, (long) r * cols, row, 0, cols);
        double m = 0;
        for (int i = 0; i < cols; i++) m += Math.abs(row[i] * x[b * cols + i]);
        return (float) m;
    }

    @Test
    void reportsTheLevelItRunsAt() {
        assertThat(NativeKernels.level()).isBetween(NativeKernels.SCALAR, NativeKernels.AVX512_VNNI);
        assertThat(Backend.nativeStatus()).startsWith("available, ");
    }
}
