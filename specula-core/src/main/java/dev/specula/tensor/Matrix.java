package dev.specula.tensor;

import dev.specula.tensor.ffi.NativeKQuants;
import dev.specula.tensor.ffi.NativeQ4_0;
import dev.specula.tensor.ffi.NativeQ8_0;
import dev.specula.tensor.format.InputRounding;
import dev.specula.tensor.infra.Segments;
import dev.specula.tensor.kernel.Product;
import dev.specula.tensor.kernel.Q4_0Lanes;

import java.lang.foreign.MemorySegment;

/**
 * A 2-D weight: {@code rows} rows of {@code cols} values in one stored format (ggml's ne[0] = cols).
 * The product runs over a batch of input vectors at once so that each weight is read once per batch.
 *
 * <p>A Q4_K or Q8_0 matrix may also hold its weights repacked for the native kernels ({@link #packed}), and a
 * Q4_0 matrix its weights in groups of rows for the Java kernel ({@link #rowGroups}) and for the native one
 * ({@link #nativeRowGroups}), each made on first use; {@link #data()} stays the file's layout.
 */
public final class Matrix {
    private final String name;
    private final TensorFormat format;
    private final MemorySegment data;
    private final int rows;
    private final int cols;
    private final Layout packed = new Layout(), rowGroups = new Layout(), nativeRowGroups = new Layout();

    public Matrix(String name, TensorFormat format, MemorySegment data, int rows, int cols) {
        long need = format.type().byteSize((long) rows * cols);
        if (data.byteSize() < need) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes, " + need + " needed");
        }
        this.name = name;
        this.format = format;
        this.data = data;
        this.rows = rows;
        this.cols = cols;
    }

    public String name() {
        return name;
    }

    public TensorFormat format() {
        return format;
    }

    /** The weights in the file's layout. */
    public MemorySegment data() {
        return data;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public GgmlType type() {
        return format.type();
    }

    /**
     * {@code out[b * rows + r] = row r · x[b * cols ..]} for {@code b < batch}, split by rows across the pool.
     * The inputs are first rounded as llama.cpp rounds them for this weight type ({@link InputRounding});
     * for Q4_0, Q8_0 and Q4_K the {@link Backend} picks the kernels. Allocates nothing once its per-thread
     * buffers have grown (and, natively, once the weights are repacked).
     */
    public void multiply(Parallel pool, float[] x, int batch, float[] out) {
        Product.run(this, pool, x, batch, out, false);
    }

    /**
     * {@link #multiply}, with every input's values exactly those of a product of that input alone: what a pass
     * that must equal one-token decoding needs (speculative verification). {@link #multiply} may instead add a
     * batch in the order of llama.cpp's batched kernels ({@link TensorFormat#batchedRows}), as its prompt
     * evaluation and the vision tower do.
     */
    public void multiplyEach(Parallel pool, float[] x, int batch, float[] out) {
        Product.run(this, pool, x, batch, out, true);
    }

    /** Dequantizes one row into {@code out[offset..]}, e.g. a token's embedding. */
    public void row(int r, float[] out, int offset) {
        format.dequantize(data, (long) r * cols, out, offset, cols);
    }

    /**
     * Makes now what products with the selected {@link Backend} will read (the repacked copy, natively),
     * so that loading a model pays for it and not its first token.
     */
    public void prepare(Parallel pool) {
        Product.prepare(this, pool);
    }

    /**
     * A Q4_K or Q8_0 matrix's weights repacked for its native kernel ({@link NativeKQuants#repack},
     * {@link NativeQ8_0#repack}; no Java kernel reads them), made on the first call (rows split across the pool).
     * Q4_0 has its own layouts: {@link #rowGroups}, {@link #nativeRowGroups}.
     */
    public MemorySegment packed(Parallel pool) {
        return packed.get(this, pool, PACKED);
    }

    private static final Repacker PACKED = (m, pool) -> switch (m.type()) {
        case Q4_K -> NativeKQuants.repack(m.data, m.rows, m.cols, pool);
        case Q8_0 -> NativeQ8_0.repack(m.data, m.rows, m.cols, pool);
        default -> throw new IllegalStateException(m + ": no repacked layout for " + m.type());
    };

    /**
     * A Q4_0 matrix's weights in groups of rows for the Java kernel in llama.cpp's order ({@link Q4_0Lanes#repack}),
     * made on the first call (groups split across the pool).
     */
    public MemorySegment rowGroups(Parallel pool) {
        return rowGroups.get(this, pool, (m, p) -> Q4_0Lanes.repack(m.data, m.rows, m.cols, p));
    }

    /**
     * A Q4_0 matrix's weights in groups of 16 rows for the native kernel in llama.cpp's order ({@link NativeQ4_0#repack}),
     * made on the first call (groups split across the pool).
     */
    public MemorySegment nativeRowGroups(Parallel pool) {
        return nativeRowGroups.get(this, pool, (m, p) -> NativeQ4_0.repack(m.data, m.rows, m.cols, p));
    }

    /** Makes a layout of a matrix's weights; non-capturing, so passing one allocates nothing. */
    private interface Repacker {
        MemorySegment repack(Matrix m, Parallel pool);
    }

    /** A layout of the weights, made on first use and kept, with the segment that owns its memory. */
    private static final class Layout {
        private volatile MemorySegment view;
        /** Owns the memory that {@link #view} sees ({@link Segments#unscoped}). */
        private MemorySegment owner;

        MemorySegment get(Matrix m, Parallel pool, Repacker repacker) {
            MemorySegment v = view;
            if (v == null) {
                synchronized (this) {
                    v = view;
                    if (v == null) {
                        owner = repacker.repack(m, pool);
                        view = v = Segments.unscoped(owner);
                    }
                }
            }
            return v;
        }
    }

    @Override
    public String toString() {
        return "Matrix[" + name + ", " + type() + ", " + rows + "x" + cols + "]";
    }
}
