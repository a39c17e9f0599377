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
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The native Q4_K kernel ({@link NativeKQuants}) at every SIMD level this CPU has, against the Java Q4_K
 * products bit for bit, in both of llama.cpp's orders: every input alone ({@code matmulRows}) and a prompt's
 * batch ({@code batchedRows}). Skipped, with the reason, where the library was not built or does not load.
 */
public class NativeQ4KTest {

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

    /** The SIMD levels this CPU has (AVX2, AVX-VNNI, AVX-512 VNNI), whatever the override caps products to. */
    private static int[] levels() {
        return java.util.stream.IntStream.rangeClosed(NativeKQuants.AVX2, NativeKQuants.cpuLevel()).toArray();
    }

    @Test
    void givesTheJavaProductsBitsInBothOrdersAtEveryLevel() {
        Assumptions.assumeTrue(NativeKQuants.cpuLevel() >= NativeKQuants.AVX2,
                "skipped: no native Q4_K code below " + NativeKernels.features(NativeKernels.AVX2));
        Random rnd = new Random(7);
        // rows: one, fewer than a group of 16, not a multiple of 8, several groups and blocks of groups;
        // columns: 1, 2, 3, 10, 17 (4096 + 256) and 43 (11008) super-blocks, the widest in column chunks
        int[][] shapes = {{1, 256}, {5, 512}, {13, 768}, {35, 2560}, {21, 4352}, {70, 11008}};
        int[] batches = {1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 63};
        try (Parallel pool = new Parallel(2)) {
            for (int[] shape : shapes) {
                int rows = shape[0], cols = shape[1];
                MemorySegment w = randomQ4K((long) rows * cols, rnd);
                MemorySegment packed = NativeKQuants.repack(w, rows, cols, pool);
                assertThat(packed.byteSize()).isEqualTo((rows + 15) / 16 * 16 * (cols / 256) * 144L);
                Q8KActivations in = new Q8KActivations();
                for (int batch : batches) {
                    if (batch == 63 && cols > 2560) continue; // the Java side's time
                    float[] x = QuantizedFormatsTest.randomFloats(batch * cols, rnd);
                    if (batch == 3) Arrays.fill(x, cols, cols + 256, 0f); // an all-zero super-block: d = 0
                    if (batch == 5) x[7] = 1e4f; // one large value: the rest of its super-block rounds to small q
                    int start = rows > 3 ? rnd.nextInt(3) : 0;
                    int end = rows - (rows > 3 ? rnd.nextInt(3) : 0);
                    int stride = rows + 1;
                    in.quantize(x, batch, cols);
                    for (boolean batched : new boolean[] {false, true}) {
                        float[] expected = new float[batch * stride];
                        Arrays.fill(expected, -7f);
                        if (batched) Q4_K.INSTANCE.batchedRows(w, cols, start, end, x, batch, expected, stride);
                        else Q4_K.INSTANCE.matmulRows(w, cols, start, end, x, batch, expected, stride);
                        for (int level : levels()) {
                            float[] got = new float[batch * stride];
                            Arrays.fill(got, -7f); // rows outside [start, end) keep it
                            NativeKQuants.matmulRows(level, packed, cols, start, end, in, batch, batched,
                                    MemorySegment.ofArray(got), stride);
                            assertThat(got).as("level %d %dx%d batch %d rows %d..%d batched %b", level, rows, cols,
                                    batch, start, end, batched).containsExactly(expected);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theTwoOrdersDiffer() {
        Assumptions.assumeTrue(NativeKQuants.cpuLevel() >= NativeKQuants.AVX2,
                "skipped: no native Q4_K code below " + NativeKernels.features(NativeKernels.AVX2));
        // so that the test above compares each order with its own Java twin and not with both at once
        Random rnd = new Random(11);
        int rows = 64, cols = 4096, batch = 4;
        try (Parallel pool = new Parallel(1)) {
            MemorySegment packed = NativeKQuants.repack(randomQ4K((long) rows * cols, rnd), rows, cols, pool);
            Q8KActivations in = new Q8KActivations();
            in.quantize(QuantizedFormatsTest.randomFloats(batch * cols, rnd), batch, cols);
            float[] each = new float[batch * rows], batched = new float[batch * rows];
            NativeKQuants.matmulRows(NativeKQuants.cpuLevel(), packed, cols, 0, rows, in, batch, false,
                    MemorySegment.ofArray(each), rows);
            NativeKQuants.matmulRows(NativeKQuants.cpuLevel(), packed, cols, 0, rows, in, batch, true,
                    MemorySegment.ofArray(batched), rows);
            assertThat(batched).isNotEqualTo(each);
        }
    }

    @Test
    void splitsABatchAsLlamaCpp() {
        assertThat(Q4_K.gemmInputs(3, true)).isZero();
        assertThat(Q4_K.gemmInputs(4, true)).isEqualTo(4);
        assertThat(Q4_K.gemmInputs(7, true)).isEqualTo(4);
        assertThat(Q4_K.gemmInputs(63, true)).isEqualTo(60);
        assertThat(Q4_K.gemmInputs(8, false)).isZero();
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
                long at = t * in.stride() + (long) s * Q8KActivations.BLOCK;
                float d = seg.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at + Q8KActivations.SCALE);
                for (int j = 0; j < 8; j++) {
                    int sum = 0;
                    for (int v = 0; v < 32; v++) {
                        byte q = seg.get(ValueLayout.JAVA_BYTE, at + 32 * j + v);
                        sum += q;
                        assertThat(q * d).isEqualTo(rounded[t * cols + 256 * s + 32 * j + v]);
                    }
                    short pairHalf = seg.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + Q8KActivations.SUMS + 2 * j);
                    assertThat((int) pairHalf).isEqualTo(sum);
                }
            }
        }
    }

    @Test
    void q4kProductsRunNativelyOnlyWithSimdCode() {
        // auto and native take the native Q4_K kernel at every SIMD level; below AVX2 Java runs them
        assertThat(NativeKQuants.usable()).isEqualTo(NativeKQuants.level() >= NativeKQuants.AVX2);
    }
}
