package dev.specula.tensor.kernel;

import dev.specula.tensor.Backend;
import dev.specula.tensor.GgmlType;
import dev.specula.tensor.Matrix;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.ffi.NativeKernels;
import dev.specula.tensor.ffi.Q8Activations;
import dev.specula.tensor.format.QuantizedFormatsTest;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The Java kernel on repacked weights ({@link PackedRows}): the same bits as the native packed kernel, close to
 * the scalar reference, the same bits at every batch size, and the Java repack byte for byte the native one.
 */
class PackedRowsTest {

    /** 16, 25, 34 and 131 blocks: one group and no tail, an odd tail, an even tail, many groups (native: column chunks). */
    private static final int[][] SHAPES = {{9, 512}, {13, 800}, {37, 1088}, {35, 4192}};
    private static final GgmlType[] TYPES = {GgmlType.Q4_0, GgmlType.Q8_0};

    private static void assumeKernel() {
        Assumptions.assumeTrue(PackedRows.SUPPORTED, "skipped: PackedRows needs 16 float lanes (AVX-512); this JVM has "
                + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() + " (PackedTwin runs instead: WidthInvarianceTest)");
    }

    private static void assumeNativePacked() {
        Assumptions.assumeTrue(NativeKernels.available(), "skipped: native kernels unavailable: " + NativeKernels.problem());
        Assumptions.assumeTrue(NativeKernels.cpuLevel() >= NativeKernels.AVX2,
                "skipped: the native packed kernels need " + NativeKernels.features(NativeKernels.AVX2)
                        + "; this CPU's level is " + NativeKernels.levelName(NativeKernels.cpuLevel()));
    }

    private static float[] java(GgmlType type, MemorySegment packed, int cols, int start, int end, float[] x, int batch,
                                int stride) {
        PackedInputs in = new PackedInputs();
        in.build(type == GgmlType.Q4_0, x, batch, cols);
        float[] out = new float[batch * stride];
        PackedRows.multiply(type == GgmlType.Q4_0, packed, cols, start, end, in, batch, out, stride);
        return out;
    }

    @Test
    void javaRepackIsTheNativeRepack() {
        Assumptions.assumeTrue(NativeKernels.available(), "skipped: native kernels unavailable: " + NativeKernels.problem());
        Random rnd = new Random(21);
        try (Parallel pool = new Parallel(2)) {
            for (GgmlType type : TYPES) {
                for (int[] shape : new int[][] {{9, 512}, {13, 800}, {37, 1088}, {35, 4192}, {3, 96}, {70, 1024}}) {
                    int rows = shape[0], cols = shape[1];
                    MemorySegment w = QuantizedFormatsTest.randomBlocks(type, (long) rows * cols, rnd);
                    byte[] nat = NativeKernels.repack(type, w, rows, cols, pool).toArray(ValueLayout.JAVA_BYTE);
                    byte[] jav = Repack.repack(type, w, rows, cols, pool).toArray(ValueLayout.JAVA_BYTE);
                    assertThat(jav).as("%s %dx%d", type, rows, cols).isEqualTo(nat);
                }
            }
        }
    }

    @Test
    void matchesTheNativePackedKernelBitForBit() {
        assumeKernel();
        assumeNativePacked();
        Random rnd = new Random(22);
        try (Parallel pool = new Parallel(2)) {
            for (GgmlType type : TYPES) {
                for (int[] shape : SHAPES) {
                    int rows = shape[0], cols = shape[1];
                    MemorySegment w = QuantizedFormatsTest.randomBlocks(type, (long) rows * cols, rnd);
                    MemorySegment packed = Repack.repack(type, w, rows, cols, pool);
                    for (int batch = 1; batch <= 17; batch++) {
                        float[] x = QuantizedFormatsTest.randomFloats(batch * cols, rnd);
                        int start = rnd.nextInt(3), end = rows - rnd.nextInt(3), stride = rows + 1;
                        float[] got = java(type, packed, cols, start, end, x, batch, stride);
                        Q8Activations in = new Q8Activations();
                        NativeKernels.inputsFor(type, in, x, batch, cols, true);
                        // every native SIMD level this CPU has: AVX2, AVX-VNNI, AVX-512 VNNI
                        for (int level = NativeKernels.AVX2; level <= NativeKernels.cpuLevel(); level++) {
                            float[] nat = new float[batch * stride];
                            NativeKernels.matmulRows(level, type, packed, true, cols, start, end, in, batch,
                                    MemorySegment.ofArray(nat), stride);
                            for (int i = 0; i < nat.length; i++) {
                                assertThat(Float.floatToRawIntBits(got[i])).as("%s %dx%d batch %d index %d: %s vs native %s %s",
                                        type, rows, cols, batch, i, got[i], NativeKernels.levelName(level), nat[i])
                                        .isEqualTo(Float.floatToRawIntBits(nat[i]));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void matmulAgreesWithTheScalarReferenceAndIsBatchInvariant() {
        assumeKernel();
        Random rnd = new Random(23);
        try (Parallel pool = new Parallel(2)) {
            for (GgmlType type : TYPES) {
                TensorFormat f = TensorFormat.of(type);
                for (int[] shape : SHAPES) {
                    int rows = shape[0], cols = shape[1];
                    MemorySegment w = QuantizedFormatsTest.randomBlocks(type, (long) rows * cols, rnd);
                    MemorySegment packed = Repack.repack(type, w, rows, cols, pool);
                    for (int batch = 1; batch <= 17; batch += (batch < 9 ? 1 : 4)) {
                        float[] x = QuantizedFormatsTest.randomFloats(batch * cols, rnd);
                        float[] got = java(type, packed, cols, 0, rows, x, batch, rows);
                        float[] rounded = new Q8Activations().rounded(x, batch, cols).clone();
                        for (int b = 0; b < batch; b++) {
                            float[] one = java(type, packed, cols, 0, rows, java.util.Arrays.copyOfRange(x, b * cols, (b + 1) * cols), 1, rows);
                            for (int r = 0; r < rows; r++) {
                                float v = got[b * rows + r];
                                assertThat(Float.floatToRawIntBits(v)).as("%s %dx%d batch %d b %d r %d: batched %s, alone %s",
                                        type, rows, cols, batch, b, r, v, one[r]).isEqualTo(Float.floatToRawIntBits(one[r]));
                                float expected = f.dotScalar(w, (long) r * cols, rounded, b * cols, cols);
                                float tol = 2e-5f * magnitude(f, w, cols, r, rounded, b) + 1e-6f;
                                assertThat(v).as("%s %dx%d b %d r %d", type, rows, cols, b, r).isCloseTo(expected, within(tol));
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Through Matrix.multiply: the Java backend (its default products, llama.cpp's order) equals the native backend
     * bit for bit, for Q4_0 and Q8_0.
     */
    @Test
    void javaBackendEqualsNativeBackend() {
        assumeKernel();
        assumeNativePacked();
        Assumptions.assumeTrue(NativeKernels.level() >= NativeKernels.AVX2, "skipped: native products run at level "
                + NativeKernels.levelName(NativeKernels.level()) + " (capped by " + NativeKernels.LEVEL_ENV + " or "
                + NativeKernels.LEVEL_PROPERTY + "), where they read no repacked weights");
        Random rnd = new Random(24);
        Backend before = Backend.selected();
        int packedBefore = Product.javaPackedTypes();
        Product.javaPackedTypes(0);
        try (Parallel pool = new Parallel(2)) {
            for (GgmlType type : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q8_0}) {
                for (int[] shape : new int[][] {{77, 512}, {40, 1120}}) {
                    int rows = shape[0], cols = shape[1];
                    Matrix m = new Matrix("w", TensorFormat.of(type),
                            QuantizedFormatsTest.randomBlocks(type, (long) rows * cols, rnd), rows, cols);
                    for (int batch : new int[] {1, 2, 5, 8, 9, 33}) {
                        float[] x = QuantizedFormatsTest.randomFloats(batch * cols, rnd);
                        float[] jav = new float[batch * rows], nat = new float[batch * rows];
                        Backend.select(Backend.JAVA);
                        m.multiply(pool, x, batch, jav);
                        Backend.select(Backend.NATIVE);
                        m.multiply(pool, x, batch, nat);
                        for (int i = 0; i < jav.length; i++) {
                            assertThat(Float.floatToRawIntBits(jav[i])).as("%s %dx%d batch %d index %d", type, rows, cols, batch, i)
                                    .isEqualTo(Float.floatToRawIntBits(nat[i]));
                        }
                    }
                }
            }
        } finally {
            Backend.select(before);
            Product.javaPackedTypes(packedBefore);
        }
    }

    private static float magnitude(TensorFormat f, MemorySegment w, int cols, int r, float[] x, int b) {
        float[] row = new float[cols];
        f.dequantize(w, (long) r * cols, row, 0, cols);
        double m = 0;
        for (int i = 0; i < cols; i++) m += Math.abs(row[i] * x[b * cols + i]);
        return (float) m;
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** The Java backend's products on repacked weights allocate nothing once compiled (see ProductTest). */
    @Test
    @Tag("allocation")
    void aPackedJavaProductAllocatesNothingOnceWarm() {
        assumeKernel();
        Random rnd = new Random(25);
        Backend before = Backend.selected();
        int packedBefore = Product.javaPackedTypes();
        Product.javaPackedTypes(Product.PACKED_Q4_0 | Product.PACKED_Q8_0);
        try (Parallel pool = new Parallel(2)) {
            List<Thread> workers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("specula-worker")).toList();
            Backend.select(Backend.JAVA);
            for (GgmlType type : TYPES) {
                // 800 columns: one group and an odd tail; the last row's tail takes the gathered path
                Matrix m = new Matrix("w", TensorFormat.of(type),
                        QuantizedFormatsTest.randomBlocks(type, 64L * 800, rnd), 64, 800);
                for (int batch : new int[] {1, 2, 3, 5}) {
                    float[] x = QuantizedFormatsTest.randomFloats(batch * 800, rnd);
                    float[] out = new float[batch * 64];
                    long allocated = Long.MAX_VALUE;
                    long deadline = System.nanoTime() + 20_000_000_000L;
                    while (allocated != 0 && System.nanoTime() < deadline) {
                        for (int i = 0; i < 2000; i++) m.multiply(pool, x, batch, out);
                        long start = allocatedBytes(workers);
                        long measuring = allocatedBytes(workers) - start;
                        start = allocatedBytes(workers);
                        for (int i = 0; i < 200; i++) m.multiply(pool, x, batch, out);
                        allocated = allocatedBytes(workers) - start - measuring;
                    }
                    assertThat(allocated).as("%s batch %d: bytes allocated by 200 products", type, batch).isZero();
                }
            }
        } finally {
            Backend.select(before);
            Product.javaPackedTypes(packedBefore);
        }
    }

    private static long allocatedBytes(List<Thread> workers) {
        long sum = THREADS.getCurrentThreadAllocatedBytes();
        for (Thread t : workers) sum += THREADS.getThreadAllocatedBytes(t.threadId());
        return sum;
    }
}
