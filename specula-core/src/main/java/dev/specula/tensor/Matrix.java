package dev.specula.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A 2-D weight: {@code rows} rows of {@code cols} values in one stored format (ggml's ne[0] = cols).
 * The product runs over a batch of input vectors at once so that each weight is read once per batch.
 */
public record Matrix(String name, TensorFormat format, MemorySegment data, int rows, int cols) {

    public Matrix {
        long need = format.type().byteSize((long) rows * cols);
        if (data.byteSize() < need) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes, " + need + " needed");
        }
    }

    public GgmlType type() {
        return format.type();
    }

    /**
     * {@code out[b * rows + r] = row r · x[b * cols ..]} for {@code b < batch}, split by rows across the pool.
     * The inputs are first rounded as llama.cpp rounds them for this weight type ({@link InputRounding});
     * for Q4_0 and Q8_0 the {@link Backend} picks the kernels. Allocates nothing once its per-thread
     * buffers have grown.
     */
    public void multiply(Parallel pool, float[] x, int batch, float[] out) {
        Product.run(this, pool, x, batch, out);
    }

    /** Dequantizes one row into {@code out[offset..]}, e.g. a token's embedding. */
    public void row(int r, float[] out, int offset) {
        format.dequantize(data, (long) r * cols, out, offset, cols);
    }
}
