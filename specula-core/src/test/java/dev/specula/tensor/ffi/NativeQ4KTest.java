package dev.specula.tensor.ffi;

import dev.specula.tensor.Parallel;
import dev.specula.tensor.format.InputRounding;
import dev.specula.tensor.format.Q4_K;
import dev.specula.tensor.format.QuantizedFormatsTest;
import dev.specula.tensor.infra.Layouts;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The native Q4_K kernel ({@link NativeKQuants}) at every level this CPU has code for, against the Java
 * Q4_K kernel on the same Q8_K-rounded inputs, and each input's bits against batch 1. Skipped, with the
 * reason, where the library was not built or does not load.
 */
public class NativeQ4KTest {
    /**
     * Relative to the row's sum of |w| |x|: both sides multiply the same weights with the same Q8_K-rounded
     * inputs and differ only by float rounding (native: exact integer sums per sub-block, then float per
     * lane and super-block; Java: float products and sums in lanes of 16). Measured: at most 3e-8 of it
     * (4352 columns).
     */
    private static final float TOLERANCE = 1e-6f;

    @BeforeAll
    static void requireLibrary() {
        Assumptions.assumeTrue(NativeKQuants.available(),
                "skipped: native kernels unavailable: " + NativeKQuants.problem());
    }

    /** Random Q4_K blocks: random nibbles and 6-bit scales and mins, d and dmin drawn like a model's. */
    public static MemorySegment randomQ4K(long values, Random rnd) {
        long blocks = values / 256;
        byte[] bytes = new byte[(int) (blocks * 144)];
        rnd.nextBytes(bytes);
        MemorySegment seg = MemorySegment.ofArray(bytes);
        for (long b = 0; b < blocks; b++) {
            seg.set(Layouts.SHORT, b * 144, Float.floatToFloat16((float) (rnd.nextGaussian() * 0.002)));
            seg.set(Layouts.SHORT, b * 144 + 2, Float.floatToFloat16((float) Math.abs(rnd.nextGaussian() * 0.004)));
        }
        return seg;
    }

    private static int[] levels() {
        // every level this CPU has: scalar, AVX2, AVX-VNNI, AVX-512 VNNI (the override caps only what products use)
        return java.util.stream.IntStream.rangeClosed(NativeKQuants.SCALAR, NativeKQuants.cpuLevel()).toArray();
    }

    @Test
    void matchesTheJavaKernelAtEveryLevelBatchSizeAndShape() {
        Random rnd = new Random(7);
        // 1, 3 (odd: a half pair), 2, 17 (4096 + 256), 43 (11008) and 10 super-blocks; odd row counts, more
        // than one block of 16 rows; wide rows and large batches run in column chunks
        int[][] shapes = {{1, 256}, {5, 768}, {13, 512}, {7, 4352}, {3, 11008}, {35, 2560}};
        for (int[] shape : shapes) {
            int rows = shape[0], cols = shape[1];
            MemorySegment w = randomQ4K((long) rows * cols, rnd);
            for (int batch = 1; batch <= 17; batch++) {
                float[] x = QuantizedFormatsTest.randomFloats(batch * cols, rnd);
                if (batch == 3) Arrays.fill(x, cols, cols + 256, 0f); // an all-zero super-block: d = 0
                float[] rounded = InputRounding.Q8_K.round(x, batch * cols, new float[batch * cols]);
                int start = rows > 3 ? rnd.nextInt(3) : 0;
                int end = rows - (rows > 3 ? rnd.nextInt(3) : 0);
                int stride = rows + 1;
                float[] expected = new float[batch * stride];
                Q4_K.INSTANCE.matmulRows(w, cols, start, end, rounded, batch, expected, stride);
                Q8KActivations in = new Q8KActivations();
                in.quantize(x, batch, cols);
                float[] simd = null;
                for (int level : levels()) {
                    float[] got = new float[batch * stride];
                    NativeKQuants.matmulRows(level, w, cols, start, end, in, batch, MemorySegment.ofArray(got), stride);
                    // every SIMD level gives the same bits, whatever its vector width
                    if (level >= NativeKQuants.AVX2) {
                        if (simd == null) simd = got;
                        else assertThat(got).as("level %d vs %d rows=%d cols=%d batch=%d", level, NativeKQuants.AVX2,
                                rows, cols, batch).containsExactly(simd);
                    }
                    for (int b = 0; b < batch; b++) {
                        for (int r = 0; r < rows; r++) {
                            int o = b * stride + r;
                            float tol = TOLERANCE * magnitude(w, cols, r, rounded, b) + 1e-6f;
                            assertThat(got[o]).as("level %d rows=%d cols=%d batch=%d b=%d r=%d",
                                            level, rows, cols, batch, b, r)
                                    .isCloseTo(r >= start && r < end ? expected[o] : 0f, within(tol));
                        }
                    }
                }
            }
        }
    }

    @Test
    void givesEachInputTheSameBitsInAnyBatchAtEveryLevel() {
        Random rnd = new Random(12);
        int[][] shapes = {{13, 1280}, {9, 4352}, {4, 256}, {37, 6400}};
        for (int[] shape : shapes) {
            int rows = shape[0], cols = shape[1];
            MemorySegment w = randomQ4K((long) rows * cols, rnd);
            for (int level : levels()) {
                Q8KActivations in = new Q8KActivations();
                for (int batch = 1; batch <= 17; batch++) {
                    float[] x = QuantizedFormatsTest.randomFloats(batch * cols, rnd);
                    float[] out = new float[batch * rows];
                    in.quantize(x, batch, cols);
                    int start = 2 * rnd.nextInt(3), end = rows - rnd.nextInt(2);
                    NativeKQuants.matmulRows(level, w, cols, start, end, in, batch, MemorySegment.ofArray(out), rows);
                    float[] one = new float[rows];
                    for (int b = 0; b < batch; b++) {
                        in.quantize(Arrays.copyOfRange(x, b * cols, (b + 1) * cols), 1, cols);
                        NativeKQuants.matmulRows(level, w, cols, 0, rows, in, 1, MemorySegment.ofArray(one), rows);
                        for (int r = start; r < end; r++) {
                            assertThat(out[b * rows + r]).as("level %d %dx%d batch %d input %d row %d",
                                    level, rows, cols, batch, b, r).isEqualTo(one[r]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void repackedWeightsGiveTheSameBitsAsTheFileLayout() {
        Assumptions.assumeTrue(NativeKQuants.readsPacked(NativeKQuants.cpuLevel()),
                "skipped: repacked Q4_K weights need " + NativeKernels.features(NativeKernels.AVX2));
        for (int level = NativeKQuants.AVX2; level <= NativeKQuants.cpuLevel(); level++) repackedAtLevel(level);
    }

    private void repackedAtLevel(int level) {
        Random rnd = new Random(5);
        // 1, 2, 3, 17 and 43 super-blocks a row (odd ones end in a super-block left as it was)
        int[][] shapes = {{3, 256}, {9, 512}, {13, 768}, {21, 4352}, {18, 11008}};
        try (Parallel pool = new Parallel(2)) {
            for (int[] shape : shapes) {
                int rows = shape[0], cols = shape[1];
                MemorySegment w = randomQ4K((long) rows * cols, rnd);
                MemorySegment packed = NativeKQuants.repack(w, rows, cols, pool);
                assertThat(packed.byteSize()).isEqualTo(w.byteSize());
                for (int batch = 1; batch <= 17; batch += 2) {
                    float[] x = QuantizedFormatsTest.randomFloats(batch * cols, rnd);
                    Q8KActivations in = new Q8KActivations();
                    in.quantize(x, batch, cols);
                    float[] plain = new float[batch * rows];
                    float[] got = new float[batch * rows];
                    NativeKQuants.matmulRows(level, w, false, cols, 0, rows, in, batch, MemorySegment.ofArray(plain), rows);
                    NativeKQuants.matmulRows(level, packed, true, cols, 0, rows, in, batch, MemorySegment.ofArray(got), rows);
                    assertThat(got).as("%dx%d batch %d", rows, cols, batch).containsExactly(plain);
                    float[] best = new float[batch * rows];
                    NativeKQuants.matmulRows(NativeKQuants.cpuLevel(), packed, true, cols, 0, rows, in, batch,
                            MemorySegment.ofArray(best), rows);
                    assertThat(got).as("level %d vs %d: %dx%d batch %d", level, NativeKQuants.cpuLevel(), rows, cols, batch)
                            .containsExactly(best);
                }
            }
        }
    }

    @Test
    void roundsInputsExactlyAsInputRounding() {
        Random rnd = new Random(3);
        int cols = 768;
        float[] x = QuantizedFormatsTest.randomFloats(2 * cols, rnd);
        x[5] = -9f; // the signed extreme comes first: iscale positive
        x[6] = 9f;
        Arrays.fill(x, cols + 256, cols + 512, 0f);
        float[] rounded = InputRounding.Q8_K.round(x, 2 * cols, new float[2 * cols]);
        Q8KActivations in = new Q8KActivations();
        in.quantize(x, 2, cols);
        MemorySegment seg = in.packed();
        for (int t = 0; t < 2; t++) {
            for (int s = 0; s < cols / 256; s++) {
                for (int j = 0; j < 8; j++) {
                    // the lane of sub-block j of super-block s within its pair (specula_kquants.c)
                    int lane = -1;
                    for (int i = 0; i < 16; i++) {
                        int l = i / 4, a = i % 4;
                        if (a / 2 == s % 2 && 4 * (a % 2) + 2 * (l % 2) + l / 2 == j) lane = i;
                    }
                    long at = t * in.stride() + (long) (s / 2) * Q8KActivations.PAIR + 4L * lane;
                    float d = seg.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, at + 512);
                    int sum = 0;
                    for (int v = 0; v < 32; v++) {
                        byte q = seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at + 64L * (v / 4) + v % 4);
                        sum += q;
                        assertThat(q * d).isEqualTo(rounded[t * cols + 256 * s + 32 * j + v]);
                    }
                    assertThat(seg.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, at + 576)).isEqualTo(d * sum);
                }
            }
        }
    }

    @Test
    void q4kProductsRunNativelyOnlyWithSimdCode() {
        // auto and native take the native Q4_K kernel at every SIMD level; the scalar reference never
        assertThat(NativeKQuants.usable()).isEqualTo(NativeKQuants.level() >= NativeKQuants.AVX2);
    }

    /** Sum of |w| |x| over the row. */
    private static float magnitude(MemorySegment w, int cols, int r, float[] x, int b) {
        float[] row = new float[cols];
        Q4_K.INSTANCE.dequantize(w, (long) r * cols, row, 0, cols);
        double m = 0;
        for (int i = 0; i < cols; i++) m += Math.abs(row[i] * x[b * cols + i]);
        return (float) m;
    }
}
