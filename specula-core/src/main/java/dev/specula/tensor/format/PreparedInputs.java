package dev.specula.tensor.format;

import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.kernel.Q4_0Lanes;

/**
 * A product's inputs as a format's row-range kernels read them: rounded as llama.cpp rounds them for the weights
 * ({@link TensorFormat#inputRounding}), then quantized where the format adds integers
 * ({@link TensorFormat#prepareInputs}). Prepared once per product, while the pool runs the range kernel once per
 * row range, and only read by those: one instance serves every thread of a product. Its arrays grow to the largest
 * product and are then reused, so that preparing allocates nothing in steady state.
 */
public final class PreparedInputs {
    private static final ThreadLocal<PreparedInputs> LOCAL = ThreadLocal.withInitial(PreparedInputs::new);

    /** The inputs as {@link TensorFormat#inputRounding} leaves them (raw where it is NONE), or as a format rounded them. */
    float[] x;
    int batch;
    int cols;
    /** Inputs rounded through Q8_0 as integers (Q8_0, Q5_0) or quantized as Q8_1 (Q4_1, Q5_1). */
    final Q8Dot.Inputs q8 = new Q8Dot.Inputs();
    /** Inputs quantized as Q8_K (Q4_K, Q5_K, Q6_K). */
    final Q8KInputs q8K = new Q8KInputs();
    /** Inputs in the order of the Q4_0 kernel. */
    final Q4_0Lanes.Inputs lanes = new Q4_0Lanes.Inputs();
    /** The sub-block sums of the K-quant float kernels (Q2_K, Q3_K). */
    float[] sums = new float[0];
    private float[] rounded = new float[0];

    /** This thread's instance, for one product range run on the spot (the float overloads of {@link TensorFormat#matmulRows}). */
    public static PreparedInputs local() {
        return LOCAL.get();
    }

    /** {@code batch} raw inputs of {@code cols} values, rounded and prepared for the products of {@code format}. */
    public PreparedInputs prepare(TensorFormat format, float[] raw, int batch, int cols) {
        InputRounding rounding = format.inputRounding();
        int n = batch * cols;
        if (rounding != InputRounding.NONE && rounded.length < n) rounded = new float[n];
        return prepareRounded(format, rounding.round(raw, n, rounded), batch, cols);
    }

    /** {@link #prepare} for inputs that {@code format}'s {@link TensorFormat#inputRounding} already rounded. */
    public PreparedInputs prepareRounded(TensorFormat format, float[] x, int batch, int cols) {
        this.x = x;
        this.batch = batch;
        this.cols = cols;
        format.prepareInputs(this);
        return this;
    }

    /** The inputs, one after another, as the float kernels read them. */
    public float[] x() {
        return x;
    }

    public int batch() {
        return batch;
    }

    /**
     * Replaces {@link #x} by its values rounded through {@code rounding}: for formats that take raw inputs
     * ({@link TensorFormat#inputRounding} NONE, so that {@code x} is never this object's own buffer) and round them
     * only for the shared float tiles.
     */
    void round(InputRounding rounding) {
        int n = batch * cols;
        if (rounded.length < n) rounded = new float[n];
        x = rounding.round(x, n, rounded);
    }

    /** Room for {@code n} sub-block sums. */
    float[] sums(int n) {
        if (sums.length < n) sums = new float[n];
        return sums;
    }
}
