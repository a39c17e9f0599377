package dev.specula.tensor.format;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The F32 product that streams each row once for a batch must give every (row, input) the bits of {@link F32#dot}
 * on that row and input alone (or, in llama.cpp's batched order, of {@link F32#gemmDot}): batches 1 to 9 and 17
 * (groups of 6 and some left), odd row counts and ranges, and row lengths that are not a multiple of 64 (the
 * values past the last step of 64 added as ggml_vec_dot_f32 adds them).
 */
class F32RowsTest {

    @Test
    void everyInputOfABatchGetsTheBitsOfItsOwnDot() {
        Random rnd = new Random(7);
        for (int cols : new int[] {384, 896, 16, 5, 37, 300, 172, 1}) {
            for (int rows : new int[] {1, 2, 7, 13}) {
                MemorySegment w = MemorySegment.ofArray(new byte[4 * rows * cols]);
                float[] values = gaussians(rows * cols, rnd);
                F32.INSTANCE.quantize(values, 0, rows * cols, w, 0);
                for (int batch : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 17}) {
                    float[] x = gaussians(batch * cols, rnd);
                    int start = rnd.nextInt(rows), end = start + 1 + rnd.nextInt(rows - start);
                    int stride = rows + 3;
                    for (boolean gemm : new boolean[] {false, cols % 16 == 0}) {
                        float[] out = new float[batch * stride];
                        F32Rows.multiply(w, cols, start, end, x, batch, out, stride, gemm);
                        for (int b = 0; b < batch; b++) {
                            for (int r = 0; r < stride; r++) {
                                float expected = r < start || r >= end ? 0f : gemm
                                        ? F32.gemmDot(w, (long) r * cols, x, b * cols, cols)
                                        : F32.INSTANCE.dot(w, (long) r * cols, x, b * cols, cols);
                                assertThat(out[b * stride + r])
                                        .as("%s cols %d rows [%d, %d) batch %d input %d row %d", gemm ? "gemm" : "dot", cols, start, end, batch, b, r)
                                        .isEqualTo(expected);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void f32ProductsBelowSharedTilesRunTheBatchedKernel() {
        Random rnd = new Random(8);
        int rows = 9, cols = 100, batch = 5;
        MemorySegment w = MemorySegment.ofArray(new byte[4 * rows * cols]);
        F32.INSTANCE.quantize(gaussians(rows * cols, rnd), 0, rows * cols, w, 0);
        float[] x = gaussians(batch * cols, rnd);
        float[] viaFormat = new float[batch * rows], direct = new float[batch * rows];
        F32.INSTANCE.matmulRows(w, cols, 0, rows, x, batch, viaFormat, rows);
        F32Rows.multiply(w, cols, 0, rows, x, batch, direct, rows, false);
        assertThat(viaFormat).containsExactly(direct);
        // and they agree with a plain float sum up to rounding, so neither is wrong the same way
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rows; r++) {
                assertThat(direct[b * rows + r]).isCloseTo(F32.INSTANCE.dotScalar(w, (long) r * cols, x, b * cols, cols),
                        org.assertj.core.data.Offset.offset(1e-3f));
            }
        }
    }

    private static float[] gaussians(int n, Random rnd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }
}
