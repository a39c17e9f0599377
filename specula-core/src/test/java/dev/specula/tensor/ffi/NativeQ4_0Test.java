package dev.specula.tensor.ffi;

import dev.specula.tensor.Backend;
import dev.specula.tensor.GgmlType;
import dev.specula.tensor.Matrix;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.format.QuantizedFormatsTest;
import dev.specula.tensor.kernel.Q4_0Lanes;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The native Q4_0 kernel ({@link NativeQ4_0}) against the Java kernel in llama.cpp's order ({@link Q4_0Lanes}): the
 * same bits at every level this CPU has, every batch size, odd row counts and row ranges, and rows from one block
 * to 11008 columns. Skipped, with the reason, where the library was not built or does not load.
 */
class NativeQ4_0Test {

    @BeforeAll
    static void requireLibrary() {
        Assumptions.assumeTrue(NativeQ4_0.available(), "skipped: native Q4_0 kernel unavailable: " + NativeQ4_0.problem());
    }

    /** Written where no output row is: a kernel that stores outside its rows changes it. */
    private static final float UNTOUCHED = -1234.5f;

    @Test
    void equalsQ4_0LanesBitForBitAtEveryLevelBatchSizeAndShape() {
        Random rnd = new Random(40);
        // cols: one block, odd and even block counts below and above 16, 7B's widths; rows: within one group of
        // 16, a group and one, odd counts over several groups
        int[][] shapes = {{1, 32}, {5, 64}, {16, 96}, {17, 256}, {13, 800}, {37, 1088}, {33, 4096}, {21, 4192}, {19, 11008}};
        try (Parallel pool = new Parallel(2)) {
            for (int[] shape : shapes) {
                int rows = shape[0], cols = shape[1];
                MemorySegment w = QuantizedFormatsTest.randomBlocks(GgmlType.Q4_0, (long) rows * cols, rnd);
                MemorySegment groups = NativeQ4_0.repack(w, rows, cols, pool);
                MemorySegment lanesW = Q4_0Lanes.repack(w, rows, cols, pool);
                for (int batch : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 17}) {
                    float[] x = QuantizedFormatsTest.randomFloats(batch * cols, rnd);
                    Arrays.fill(x, 0, 32, 0f); // a block of zeros: scale 0
                    x[batch * cols - 1] = 1e-30f;
                    Q4_0Lanes.Inputs lanesIn = new Q4_0Lanes.Inputs();
                    lanesIn.build(x, batch, cols);
                    float[] expected = new float[batch * rows];
                    Q4_0Lanes.multiply(lanesW, cols, 0, rows, lanesIn, batch, expected, rows);
                    Q4_0Inputs in = new Q4_0Inputs();
                    in.build(x, batch, cols);
                    // a range from a group's start (as products split rows) and, where there is room, one from anywhere
                    int[][] ranges = rows > 3 ? new int[][] {{0, rows}, {16 * rnd.nextInt((rows + 15) / 16), rows - rnd.nextInt(3)},
                            {1 + rnd.nextInt(3), rows - 1 - rnd.nextInt(2)}} : new int[][] {{0, rows}};
                    for (int level = NativeKernels.cpuLevel(); level >= NativeKernels.SCALAR; level--) {
                        for (int[] range : ranges) {
                            int start = Math.min(range[0], range[1]), end = range[1], stride = rows + 1;
                            float[] got = new float[batch * stride];
                            Arrays.fill(got, UNTOUCHED);
                            NativeQ4_0.matmulRows(level, groups, cols, start, end, in, batch, MemorySegment.ofArray(got), stride);
                            for (int b = 0; b < batch; b++) {
                                for (int r = 0; r < stride; r++) {
                                    float want = r >= start && r < end ? expected[b * rows + r] : UNTOUCHED;
                                    float v = got[b * stride + r];
                                    if (Float.floatToRawIntBits(v) != Float.floatToRawIntBits(want)) {
                                        assertThat(v).as("%s rows=%d cols=%d batch=%d rows [%d, %d) input %d row %d",
                                                NativeKernels.levelName(level), rows, cols, batch, start, end, b, r).isEqualTo(want);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** The scalar reference of Q4_0Lanes, so that the comparison above does not rest on the Java kernel alone. */
    @Test
    void equalsTheScalarReference() {
        Random rnd = new Random(41);
        int rows = 23, cols = 1344;
        try (Parallel pool = new Parallel(2)) {
            MemorySegment w = QuantizedFormatsTest.randomBlocks(GgmlType.Q4_0, (long) rows * cols, rnd);
            MemorySegment groups = NativeQ4_0.repack(w, rows, cols, pool);
            float[] x = QuantizedFormatsTest.randomFloats(3 * cols, rnd);
            Q4_0Inputs in = new Q4_0Inputs();
            in.build(x, 3, cols);
            float[] got = new float[3 * rows];
            NativeQ4_0.matmulRows(NativeKernels.cpuLevel(), groups, cols, 0, rows, in, 3, MemorySegment.ofArray(got), rows);
            for (int b = 0; b < 3; b++) {
                for (int r = 0; r < rows; r++) {
                    assertThat(got[b * rows + r]).as("input %d row %d", b, r)
                            .isEqualTo(Q4_0Lanes.dot(w, (long) r * cols, x, b * cols, cols));
                }
            }
        }
    }

    /** Through Matrix.multiply and multiplyEach, as models call it: the native backend gives the Java backend's bits. */
    @Test
    void nativeBackendEqualsJavaBackend() {
        Random rnd = new Random(42);
        Backend before = Backend.selected();
        try (Parallel pool = new Parallel(2)) {
            for (int[] shape : new int[][] {{77, 512}, {40, 1120}, {130, 4096}}) {
                int rows = shape[0], cols = shape[1];
                Matrix m = new Matrix("w", TensorFormat.of(GgmlType.Q4_0),
                        QuantizedFormatsTest.randomBlocks(GgmlType.Q4_0, (long) rows * cols, rnd), rows, cols);
                for (int batch : new int[] {1, 2, 5, 8, 9, 33, 130}) {
                    float[] x = QuantizedFormatsTest.randomFloats(batch * cols, rnd);
                    float[] jav = new float[batch * rows], nat = new float[batch * rows], each = new float[batch * rows];
                    Backend.select(Backend.JAVA);
                    m.multiply(pool, x, batch, jav);
                    Backend.select(Backend.NATIVE);
                    m.multiply(pool, x, batch, nat);
                    m.multiplyEach(pool, x, batch, each);
                    for (int i = 0; i < jav.length; i++) {
                        assertThat(Float.floatToRawIntBits(nat[i])).as("%dx%d batch %d index %d: %s vs Java %s", rows, cols,
                                batch, i, nat[i], jav[i]).isEqualTo(Float.floatToRawIntBits(jav[i]));
                        assertThat(Float.floatToRawIntBits(each[i])).as("%dx%d batch %d index %d, each", rows, cols, batch, i)
                                .isEqualTo(Float.floatToRawIntBits(jav[i]));
                    }
                }
            }
        } finally {
            Backend.select(before);
        }
    }
}
