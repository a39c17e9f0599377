package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.ffi.NativeKernels;
import dev.specula.tensor.ffi.NativeQ4_0;
import dev.specula.tensor.ffi.NativeQ8_0;
import dev.specula.tensor.ffi.Q4_0Inputs;
import dev.specula.tensor.ffi.Q8_0Inputs;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each input's product must not depend on the batch it came in, bit for bit: speculative verification
 * (γ+1 inputs) and one-token decoding must give the same logits. Shapes with an odd row count, so that every
 * kernel variant runs.
 */
class BatchInvariantKernelsTest {
    private static final int ROWS = 13;
    private static final int COLS = 1280; // 40 blocks of 32 or 5 super-blocks of 256

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void javaKernelsGiveEachInputTheSameBitsInAnyBatch(GgmlType type) {
        TensorFormat f = TensorFormat.of(type);
        Random rnd = new Random(11);
        MemorySegment w = weights(f, rnd);
        for (int batch = 1; batch <= 17; batch++) {
            float[] x = randomFloats(batch * COLS, rnd);
            int start = 2 * rnd.nextInt(3), end = ROWS - rnd.nextInt(3);
            float[] out = new float[batch * ROWS];
            f.matmulRows(w, COLS, start, end, x, batch, out, ROWS);
            float[] one = new float[ROWS];
            for (int b = 0; b < batch; b++) {
                f.matmulRows(w, COLS, 0, ROWS, Arrays.copyOfRange(x, b * COLS, (b + 1) * COLS), 1, one, ROWS);
                for (int r = start; r < end; r++) {
                    assertThat(out[b * ROWS + r]).as("%s batch %d input %d row %d", type, batch, b, r).isEqualTo(one[r]);
                }
            }
        }
    }

    /** The native Q4_0 and Q8_0 kernels (llama.cpp's order), at every level this CPU has. */
    @Test
    void nativeKernelsGiveEachInputTheSameBitsInAnyBatchAtEveryLevel() {
        Assumptions.assumeTrue(NativeKernels.available(), "skipped: native kernels unavailable: " + NativeKernels.problem());
        Random rnd = new Random(12);
        try (Parallel pool = new Parallel(2)) {
            for (int cols : new int[] {COLS, 4192}) {
                for (GgmlType type : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q8_0}) {
                    MemorySegment w = weights(TensorFormat.of(type), rnd, cols);
                    MemorySegment weights = type == GgmlType.Q4_0 ? NativeQ4_0.repack(w, ROWS, cols, pool)
                            : NativeQ8_0.repack(w, ROWS, cols, pool);
                    for (int level = 0; level <= NativeKernels.cpuLevel(); level++) {
                        for (int batch = 1; batch <= 17; batch++) {
                            float[] x = randomFloats(batch * cols, rnd);
                            float[] out = new float[batch * ROWS];
                            nativeProduct(type, level, weights, cols, x, batch, out);
                            float[] one = new float[ROWS];
                            for (int b = 0; b < batch; b++) {
                                nativeProduct(type, level, weights, cols, Arrays.copyOfRange(x, b * cols, (b + 1) * cols), 1, one);
                                for (int r = 0; r < ROWS; r++) {
                                    assertThat(out[b * ROWS + r]).as("%s %s cols %d batch %d input %d row %d",
                                            NativeKernels.levelName(level), type, cols, batch, b, r).isEqualTo(one[r]);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void nativeProduct(GgmlType type, int level, MemorySegment weights, int cols, float[] x, int batch, float[] out) {
        if (type == GgmlType.Q4_0) {
            Q4_0Inputs in = new Q4_0Inputs();
            in.build(x, batch, cols);
            NativeQ4_0.matmulRows(level, weights, cols, 0, ROWS, in, batch, MemorySegment.ofArray(out), ROWS);
        } else {
            Q8_0Inputs in = new Q8_0Inputs();
            in.quantize(x, batch, cols);
            NativeQ8_0.matmulRows(level, weights, ROWS, cols, 0, ROWS, in, batch, MemorySegment.ofArray(out), ROWS);
        }
    }

    /** Random Gaussian weights through the format's own quantizer (valid scales, unlike random bytes). */
    private static MemorySegment weights(TensorFormat f, Random rnd) {
        return weights(f, rnd, COLS);
    }

    private static MemorySegment weights(TensorFormat f, Random rnd, int cols) {
        float[] values = randomFloats(ROWS * cols, rnd);
        MemorySegment w = MemorySegment.ofArray(new byte[(int) f.type().byteSize((long) ROWS * cols)]);
        f.quantize(values, 0, values.length, w, 0);
        return w;
    }

    private static float[] randomFloats(int n, Random rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }
}
