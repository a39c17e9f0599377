package dev.specula.tensor.kernel;

import dev.specula.tensor.Backend;
import dev.specula.tensor.GgmlType;
import dev.specula.tensor.Matrix;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.ffi.NativeKQuants;
import dev.specula.tensor.ffi.NativeKernels;
import dev.specula.tensor.ffi.NativeQ4_0;
import dev.specula.tensor.ffi.Q4_0Inputs;
import dev.specula.tensor.ffi.NativeQ8_0;
import dev.specula.tensor.ffi.Q8KActivations;
import dev.specula.tensor.ffi.Q8_0Inputs;
import dev.specula.tensor.format.PreparedInputs;

import java.lang.foreign.MemorySegment;

/**
 * One {@link Matrix#multiply} in flight: a reusable range task per calling thread, holding the rounded
 * inputs, so that a product allocates nothing once its buffers have grown to size.
 */
public final class Product implements Parallel.RangeTask {
    /** Rows per range bound: a multiple of every kernel's row tile (1 to 4; native Q4_K: groups of 16). */
    static final int GRAIN = 16;
    /**
     * Below this many multiply-adds a product runs on the calling thread: waking a worker costs
     * microseconds on an idle machine and a scheduler slice on a busy one, more than the work itself.
     */
    static final long INLINE_WORK = 1L << 18;
    private static final ThreadLocal<Product> LOCAL = ThreadLocal.withInitial(Product::new);

    /** Which kernel a product runs: one per weight type and backend, decided by {@link #route}. */
    private enum Route { NATIVE_Q4_0, NATIVE_Q8_0, NATIVE_Q4_K, JAVA_Q4_0, FORMAT }

    private Route route;
    /** Inputs of the Java Q4_0 kernel in llama.cpp's order ({@link Q4_0Lanes}). */
    private final Q4_0Lanes.Inputs laneInputs = new Q4_0Lanes.Inputs();
    /** Q4_K inputs for the native K-quant kernel (NativeKQuants). */
    private final Q8KActivations kInputs = new Q8KActivations();
    /** The inputs of the format's own range product, rounded and prepared once for all its ranges. */
    private final PreparedInputs formatInputs = new PreparedInputs();
    /** Inputs of the native Q4_0 kernel in llama.cpp's order (NativeQ4_0). */
    private final Q4_0Inputs q4Inputs = new Q4_0Inputs();
    /** Inputs of the native Q8_0 kernel in llama.cpp's order (NativeQ8_0). */
    private final Q8_0Inputs q8Inputs = new Q8_0Inputs();
    private Matrix m;
    private int batch;
    private float[] out;
    private boolean batched;
    private int level;
    private MemorySegment weights;
    // The heap segment over the last output array, kept because models reuse their output buffers.
    private float[] segmentArray;
    private MemorySegment outSegment;

    private Product() {}

    /** With {@code each}, every input as if alone; else a batch of more than one may run {@link TensorFormat#batchedRows}. */
    public static void run(Matrix m, Parallel pool, float[] x, int batch, float[] out, boolean each) {
        Product p = LOCAL.get();
        p.batched = !each && batch > 1;
        GgmlType type = m.type();
        p.m = m;
        p.batch = batch;
        p.out = out;
        p.route = route(m.type());
        if (p.route != Route.JAVA_Q4_0 && p.route != Route.FORMAT && p.segmentArray != out) {
            p.segmentArray = out;
            p.outSegment = MemorySegment.ofArray(out);
        }
        p.weights = weights(p.route, m, pool);
        switch (p.route) {
            case NATIVE_Q4_K -> p.kInputs.quantize(x, batch, m.cols());
            case NATIVE_Q4_0 -> p.q4Inputs.build(x, batch, m.cols());
            case NATIVE_Q8_0 -> p.q8Inputs.quantize(x, batch, m.cols());
            case JAVA_Q4_0 -> p.laneInputs.build(x, batch, m.cols());
            case FORMAT -> p.formatInputs.prepare(m.format(), x, batch, m.cols());
        }
        if (p.route == Route.NATIVE_Q4_0 || p.route == Route.NATIVE_Q8_0) p.level = NativeKernels.level();
        try {
            if ((long) m.rows() * m.cols() * batch < INLINE_WORK) p.run(0, m.rows());
            else pool.forRange(m.rows(), p.route == Route.JAVA_Q4_0 ? Q4_0Lanes.GRAIN : GRAIN, p);
        } finally {
            p.m = null;
            p.weights = null;
            p.out = null;
        }
    }

    /** The repacked weights that products with {@code m} read (native Q4_0, Q8_0, Q4_K; Java Q4_0), made now if not yet. */
    public static void prepare(Matrix m, Parallel pool) {
        weights(route(m.type()), m, pool);
    }

    /**
     * Native Q4_0, Q8_0 and Q4_K run their kernels in llama.cpp's order (the bits of the Java products; Q4_K only at a
     * SIMD level, AVX2 and up). Java Q4_0 reads the row groups ({@link Q4_0Lanes}) at every batch, prompts too: faster
     * than shared tiles there as well (one thread, 1024x4096: 7.2-7.7 against 10.5-11.1 ms at 128 inputs).
     */
    private static Route route(GgmlType type) {
        boolean nat = Backend.usesNative();
        return switch (type) {
            case Q4_0 -> nat ? Route.NATIVE_Q4_0 : Route.JAVA_Q4_0;
            case Q8_0 -> nat ? Route.NATIVE_Q8_0 : Route.FORMAT;
            case Q4_K -> nat && NativeKQuants.usable() ? Route.NATIVE_Q4_K : Route.FORMAT;
            default -> Route.FORMAT;
        };
    }

    /** The layout of {@code m}'s weights that a route reads, made on first use. */
    private static MemorySegment weights(Route route, Matrix m, Parallel pool) {
        return switch (route) {
            case NATIVE_Q4_0 -> m.nativeRowGroups(pool);
            case NATIVE_Q8_0, NATIVE_Q4_K -> m.packed(pool);
            case JAVA_Q4_0 -> m.rowGroups(pool);
            case FORMAT -> m.data();
        };
    }

    @Override
    public void run(int start, int end) {
        Matrix mat = m;
        switch (route) {
            case NATIVE_Q4_K -> NativeKQuants.matmulRows(NativeKQuants.level(), weights, mat.cols(), start, end, kInputs,
                    batch, batched, outSegment, mat.rows());
            case NATIVE_Q4_0 -> NativeQ4_0.matmulRows(level, weights, mat.cols(), start, end, q4Inputs, batch, outSegment,
                    mat.rows());
            case NATIVE_Q8_0 -> NativeQ8_0.matmulRows(level, weights, mat.rows(), mat.cols(), start, end, q8Inputs, batch,
                    outSegment, mat.rows());
            case JAVA_Q4_0 -> Q4_0Lanes.multiply(weights, mat.cols(), start, end, laneInputs, batch, out, mat.rows());
            case FORMAT -> {
                if (batched) mat.format().batchedRows(mat.data(), mat.cols(), start, end, formatInputs, out, mat.rows());
                else mat.format().matmulRows(mat.data(), mat.cols(), start, end, formatInputs, out, mat.rows());
            }
        }
    }
}
