package dev.specula.tensor;

import java.lang.foreign.MemorySegment;

/**
 * One {@link Matrix#multiply} in flight: a reusable range task per calling thread, holding the rounded
 * inputs, so that a product allocates nothing once its buffers have grown to size.
 */
final class Product implements Parallel.RangeTask {
    /** Rows per range bound: a multiple of every kernel's row tile (1 to 4). */
    static final int GRAIN = 16;
    /**
     * Below this many multiply-adds a product runs on the calling thread: waking a worker costs
     * microseconds on an idle machine and a scheduler slice on a busy one, more than the work itself.
     */
    static final long INLINE_WORK = 1L << 18;
    private static final ThreadLocal<Product> LOCAL = ThreadLocal.withInitial(Product::new);

    private final Q8Activations inputs = new Q8Activations();
    /** The inputs rounded as llama.cpp rounds them for the weights' type ({@link InputRounding}). */
    private float[] rounded = new float[0];
    private Matrix m;
    private float[] x;
    private int batch;
    private float[] out;
    private boolean nativeKernels;
    private int level;
    // The heap segment over the last output array, kept because models reuse their output buffers.
    private float[] segmentArray;
    private MemorySegment outSegment;

    private Product() {}

    static void run(Matrix m, Parallel pool, float[] x, int batch, float[] out) {
        Product p = LOCAL.get();
        GgmlType type = m.type();
        boolean q8Inputs = type == GgmlType.Q4_0 || type == GgmlType.Q8_0;
        p.m = m;
        p.batch = batch;
        p.out = out;
        p.nativeKernels = q8Inputs && Backend.usesNative();
        if (p.nativeKernels) {
            p.level = NativeKernels.level();
            NativeKernels.inputsFor(p.level, type, p.inputs, x, batch, m.cols());
            if (p.segmentArray != out) {
                p.segmentArray = out;
                p.outSegment = MemorySegment.ofArray(out);
            }
        } else {
            InputRounding rounding = m.format().inputRounding();
            int n = batch * m.cols();
            if (rounding != InputRounding.NONE && p.rounded.length < n) p.rounded = new float[n];
            p.x = rounding.round(x, n, p.rounded);
        }
        try {
            if ((long) m.rows() * m.cols() * batch < INLINE_WORK) p.run(0, m.rows());
            else pool.forRange(m.rows(), GRAIN, p);
        } finally {
            p.m = null;
            p.x = null;
            p.out = null;
        }
    }

    @Override
    public void run(int start, int end) {
        Matrix mat = m;
        if (nativeKernels) {
            NativeKernels.matmulRows(level, mat.type(), mat.data(), mat.cols(), start, end, inputs, batch,
                    outSegment, mat.rows());
        } else {
            mat.format().matmulRows(mat.data(), mat.cols(), start, end, x, batch, out, mat.rows());
        }
    }
}
