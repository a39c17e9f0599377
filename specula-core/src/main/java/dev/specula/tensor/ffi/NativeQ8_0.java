package dev.specula.tensor.ffi;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.Matrix;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.infra.HugePages;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The native kernel for products with Q8_0 weights ({@code src/main/c/specula_q8_0.c}, linked into the same library
 * as {@link NativeKernels}), in llama.cpp's order: every product's bits are those of the Java Q8_0 product
 * ({@code Q8Dot}, {@code ggml_vec_dot_q8_0_q8_0}) at every level, scalar to AVX-512 VNNI. It reads the weights only
 * as {@link #repack} leaves them, and inputs laid out by {@link Q8_0Inputs}; the level is {@link NativeKernels#level()}.
 */
public final class NativeQ8_0 {
    private NativeQ8_0() {}

    private static final MethodHandle MATMUL;
    private static final MethodHandle REPACK;
    private static final String PROBLEM;

    static {
        MethodHandle matmul = null;
        MethodHandle repack = null;
        String problem = null;
        try {
            matmul = NativeKernels.critical("specula_q8_0_matmul_rows", FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS,
                    JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
            repack = NativeKernels.critical("specula_q8_0_repack",
                    FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        } catch (RuntimeException e) {
            problem = e.getMessage();
            matmul = null;
            repack = null;
        }
        MATMUL = matmul;
        REPACK = repack;
        PROBLEM = problem;
    }

    /** Whether the library and its Q8_0 kernel loaded. */
    public static boolean available() {
        return MATMUL != null;
    }

    private static void requireAvailable() {
        if (!available()) throw new IllegalStateException("native Q8_0 kernel unavailable: " + PROBLEM);
    }

    /** Why the Q8_0 kernel is unavailable, or null. */
    public static String problem() {
        return PROBLEM;
    }

    /**
     * A copy of a Q8_0 matrix in the layout the kernel reads (rows in pairs, the bytes of a pair's blocks side by
     * side; specified in {@code specula_q8_0.c}; same size), split across the pool, into {@link HugePages}: what
     * native Q8_0 products read ({@link Matrix#packed}).
     */
    public static MemorySegment repack(MemorySegment data, int rows, int cols, Parallel pool) {
        requireAvailable();
        long rowBytes = GgmlType.Q8_0.byteSize(cols);
        MemorySegment dst = HugePages.allocate(rowBytes * rows);
        pool.forRange((rows + 1) / 2, 32, (start, end) -> {
            try {
                REPACK.invokeExact(data, dst, rowBytes, start, end, rows, cols / 32);
            } catch (Throwable t) {
                throw new IllegalStateException("native Q8_0 repack failed", t);
            }
        });
        return dst;
    }

    /**
     * {@code out[t * outStride + r]} for rows {@code [rowStart, rowEnd)} of a Q8_0 matrix of {@code rows} rows,
     * {@code cols} wide, as {@link #repack} left it, and the {@code batch} inputs in {@code in}, at {@code level} (at
     * most {@link NativeKernels#cpuLevel()}; tests pass lower ones to check each code path).
     */
    public static void matmulRows(int level, MemorySegment packed, int rows, int cols, int rowStart, int rowEnd,
                                  Q8_0Inputs in, int batch, MemorySegment out, int outStride) {
        requireAvailable();
        if (level < NativeKernels.SCALAR || level > NativeKernels.cpuLevel()) {
            throw new IllegalArgumentException("no Q8_0 kernel at level " + level + " here (best " + NativeKernels.cpuLevel() + ")");
        }
        int blocks = cols / 32;
        try {
            MATMUL.invokeExact(level, packed, GgmlType.Q8_0.byteSize(cols), rowStart, rowEnd, rows, blocks,
                    in.packed(), in.stride(), batch, out, outStride);
        } catch (Throwable t) {
            throw new IllegalStateException("native Q8_0 kernel failed", t);
        }
    }
}
