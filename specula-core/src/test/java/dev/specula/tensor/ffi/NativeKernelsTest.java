package dev.specula.tensor.ffi;

import dev.specula.tensor.Backend;
import dev.specula.tensor.GgmlType;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.format.QuantizedFormatsTest;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The native Q4_0 kernels, at every instruction level this CPU has, against the pure-Java kernels on the
 * same rounded inputs (native Q8_0 products run their own kernel: NativeQ8_0Test). Skipped, with the reason,
 * where the library was not built or does not load.
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
        // 1, 3, 25, 34, 8, 16 and 131 blocks: pairs only, groups of 16 with odd and even tails, groups only,
        // and (repacked, from 5 inputs on) column chunks over several row blocks
        int[][] shapes = {{1, 32}, {5, 96}, {13, 800}, {37, 1088}, {8, 256}, {9, 512}, {35, 4192}};
        try (Parallel pool = new Parallel(2)) {
            for (GgmlType type : new GgmlType[] {GgmlType.Q4_0}) {
                TensorFormat f = TensorFormat.of(type);
                for (int[] shape : shapes) {
                    int rows = shape[0], cols = shape[1];
                    MemorySegment w = QuantizedFormatsTest.randomBlocks(type, (long) rows * cols, rnd);
                    MemorySegment packedW = NativeKernels.readsPacked(NativeKernels.cpuLevel(), cols)
                            ? NativeKernels.repack(type, w, rows, cols, pool) : null;
                    for (int batch = 1; batch <= 17; batch++) {
                        float[] x = QuantizedFormatsTest.randomFloats(batch * cols, rnd);
                        Q8Activations in = new Q8Activations();
                        float[] rounded = in.rounded(x, batch, cols).clone();
                        int start = rows > 3 ? rnd.nextInt(3) : 0;
                        int end = rows - (rows > 3 ? rnd.nextInt(3) : 0);
                        int stride = rows + 1;
                        float[] expected = new float[batch * stride];
                        f.matmulRows(w, cols, start, end, rounded, batch, expected, stride);
                        for (boolean packed : new boolean[] {false, true}) {
                            // every SIMD level gives the bits of the first one run (the best), whatever its width
                            float[] simd = null;
                            for (int level = NativeKernels.cpuLevel(); level >= 0; level--) {
                                if (packed && !NativeKernels.readsPacked(level, cols)) continue;
                                float[] got = new float[batch * stride];
                                NativeKernels.inputsFor(type, in, x, batch, cols, packed);
                                NativeKernels.matmulRows(level, type, packed ? packedW : w, packed, cols, start, end, in,
                                        batch, MemorySegment.ofArray(got), stride);
                                if (level >= NativeKernels.AVX2) {
                                    if (simd == null) simd = got;
                                    for (int i = 0; i < got.length; i++) {
                                        if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(simd[i])) {
                                            assertThat(got[i]).as("%s%s %s rows=%d cols=%d batch=%d i=%d: bits of %s",
                                                            NativeKernels.levelName(level), packed ? " packed" : "", type,
                                                            rows, cols, batch, i, NativeKernels.levelName(NativeKernels.cpuLevel()))
                                                    .isEqualTo(simd[i]);
                                        }
                                    }
                                }
                                for (int b = 0; b < batch; b++) {
                                    for (int r = 0; r < rows; r++) {
                                        int o = b * stride + r;
                                        float tol = 2e-5f * magnitude(f, w, cols, r, rounded, b) + 1e-6f;
                                        assertThat(got[o]).as("%s%s %s rows=%d cols=%d batch=%d b=%d r=%d",
                                                        NativeKernels.levelName(level), packed ? " packed" : "", type,
                                                        rows, cols, batch, b, r)
                                                .isCloseTo(r >= start && r < end ? expected[o] : 0f, within(tol));
                                    }
                                }
                            }
                        }
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
    void theLevelPropertyCapsTheLevel() {
        String before = System.getProperty(NativeKernels.LEVEL_PROPERTY);
        try {
            String[] names = {"scalar", "avx2", "avx-vnni", "avx512"};
            for (int level = NativeKernels.SCALAR; level <= NativeKernels.AVX512_VNNI; level++) {
                System.setProperty(NativeKernels.LEVEL_PROPERTY, names[level]);
                assertThat(NativeKernels.requestedLevel()).isEqualTo(level);
            }
            System.setProperty(NativeKernels.LEVEL_PROPERTY, "sse9");
            org.assertj.core.api.Assertions.assertThatThrownBy(NativeKernels::requestedLevel)
                    .hasMessageContaining("expected scalar, avx2, avx-vnni or avx512");
        } finally {
            if (before == null) System.clearProperty(NativeKernels.LEVEL_PROPERTY);
            else System.setProperty(NativeKernels.LEVEL_PROPERTY, before);
        }
    }

    @Test
    void reportsTheLevelItRunsAt() {
        assertThat(NativeKernels.level()).isBetween(NativeKernels.SCALAR, NativeKernels.AVX512_VNNI);
        assertThat(NativeKernels.level()).isLessThanOrEqualTo(NativeKernels.cpuLevel());
        assertThat(Backend.nativeStatus()).startsWith("available, ");
    }
}
