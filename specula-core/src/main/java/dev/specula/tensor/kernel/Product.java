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

    /** Inputs of the Java Q4_0 kernel in llama.cpp's order ({@link Q4_0Lanes}), used when q4Lanes. */
    private final Q4_0Lanes.Inputs laneInputs = new Q4_0Lanes.Inputs();
    private boolean q4Lanes;
    /** Q4_K inputs for the native K-quant kernel (NativeKQuants), used when nativeQ4K. */
    private final Q8KActivations kInputs = new Q8KActivations();
    private boolean nativeQ4K;
    /** The inputs of the format's own range product, rounded and prepared once for all its ranges. */
    private final PreparedInputs formatInputs = new PreparedInputs();
    /** Inputs of the native Q4_0 kernel in llama.cpp's order (NativeQ4_0), used when nativeQ4_0. */
    private final Q4_0Inputs q4Inputs = new Q4_0Inputs();
    private boolean nativeQ4_0;
    /** Inputs of the native Q8_0 kernel in llama.cpp's order (NativeQ8_0), used when nativeQ8. */
    private final Q8_0Inputs q8Inputs = new Q8_0Inputs();
    private boolean nativeQ8;
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
        boolean usesNative = Backend.usesNative();
        // native Q4_0, Q8_0 and Q4_K: their kernels in llama.cpp's order (the bits of the Java products)
        p.nativeQ4_0 = type == GgmlType.Q4_0 && usesNative;
        p.nativeQ8 = type == GgmlType.Q8_0 && usesNative;
        // Q4_K runs natively only at a SIMD level (AVX2 and up), else in Java; both in llama.cpp's order, batched too
        p.nativeQ4K = type == GgmlType.Q4_K && usesNative && NativeKQuants.usable();
        // Java Q4_0 reads the row groups (Q4_0Lanes, llama.cpp's order) at every batch, prompts too: faster than shared
        // tiles there as well (one thread, 1024x4096: 7.2-7.7 against 10.5-11.1 ms at 128 inputs)
        p.q4Lanes = type == GgmlType.Q4_0 && !usesNative;
        if ((p.nativeQ4K || p.nativeQ4_0 || p.nativeQ8) && p.segmentArray != out) {
            p.segmentArray = out;
            p.outSegment = MemorySegment.ofArray(out);
        }
        if (p.nativeQ4K) {
            p.kInputs.quantize(x, batch, m.cols());
            p.weights = m.packed(pool);
        } else if (p.nativeQ4_0) {
            p.level = NativeKernels.level();
            p.q4Inputs.build(x, batch, m.cols());
            p.weights = m.nativeRowGroups(pool);
        } else if (p.nativeQ8) {
            p.level = NativeKernels.level();
            p.q8Inputs.quantize(x, batch, m.cols());
            p.weights = m.packed(pool);
        } else if (p.q4Lanes) {
            p.laneInputs.build(x, batch, m.cols());
            p.weights = m.rowGroups(pool);
        } else {
            p.formatInputs.prepare(m.format(), x, batch, m.cols());
        }
        try {
            if ((long) m.rows() * m.cols() * batch < INLINE_WORK) p.run(0, m.rows());
            else pool.forRange(m.rows(), p.q4Lanes ? Q4_0Lanes.GRAIN : GRAIN, p);
        } finally {
            p.m = null;
            p.weights = null;
            p.out = null;
        }
    }

    /** The repacked weights that products with {@code m} read (native Q4_0, Q8_0, Q4_K; Java Q4_0), made now if not yet. */
    public static void prepare(Matrix m, Parallel pool) {
        GgmlType type = m.type();
        if (type == GgmlType.Q4_K && Backend.usesNative() && NativeKQuants.usable()) m.packed(pool);
        if (type != GgmlType.Q4_0 && type != GgmlType.Q8_0) return;
        if (Backend.usesNative()) {
            if (type == GgmlType.Q4_0) m.nativeRowGroups(pool);
            else m.packed(pool); // the native Q8_0 kernel reads only its repacked layout
            return;
        }
        if (type == GgmlType.Q4_0) m.rowGroups(pool);
    }

    @Override
    public void run(int start, int end) {
        Matrix mat = m;
        if (nativeQ4K) {
            NativeKQuants.matmulRows(NativeKQuants.level(), weights, mat.cols(), start, end, kInputs, batch, batched,
                    outSegment, mat.rows());
        } else if (nativeQ4_0) {
            NativeQ4_0.matmulRows(level, weights, mat.cols(), start, end, q4Inputs, batch, outSegment, mat.rows());
        } else if (nativeQ8) {
            NativeQ8_0.matmulRows(level, weights, mat.rows(), mat.cols(), start, end, q8Inputs, batch, outSegment, mat.rows());
        } else if (q4Lanes) {
            Q4_0Lanes.multiply(weights, mat.cols(), start, end, laneInputs, batch, out, mat.rows());
        } else if (batched) {
            mat.format().batchedRows(mat.data(), mat.cols(), start, end, formatInputs, out, mat.rows());
        } else {
            mat.format().matmulRows(mat.data(), mat.cols(), start, end, formatInputs, out, mat.rows());
        }
    }
}
