package dev.specula.tensor.ffi;

import dev.specula.tensor.Matrix;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.format.Q4_K;
import dev.specula.tensor.infra.HugePages;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The native kernel for products with Q4_K weights ({@code src/main/c/specula_kquants.c}, linked into the
 * same library as {@link NativeKernels}), with inputs laid out by {@link Q8KActivations}: llama.cpp's order, the
 * bits of the Java Q4_K products ({@code Q4_K.llamaDot}), at every SIMD level (AVX2, AVX-VNNI, AVX-512 VNNI).
 * Below AVX2 there is no native Q4_K code and Q4_K products stay in Java ({@link #usable()}).
 */
public final class NativeKQuants {
    private NativeKQuants() {}

    static final int SCALAR = NativeKernels.SCALAR, AVX2 = NativeKernels.AVX2, AVX_VNNI = NativeKernels.AVX_VNNI,
            AVX512_VNNI = NativeKernels.AVX512_VNNI;

    private static final MethodHandle MATMUL;
    private static final MethodHandle REPACK;
    private static final int CPU_LEVEL;
    private static final int LEVEL;
    private static final String PROBLEM;

    static {
        MethodHandle matmul = null;
        MethodHandle repack = null;
        int level = -1;
        String problem = null;
        try {
            MethodHandle cpuLevel = NativeKernels.critical("specula_kq_level", FunctionDescriptor.of(JAVA_INT));
            matmul = NativeKernels.critical("specula_q4k_matmul_rows", FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS,
                    JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
            repack = NativeKernels.critical("specula_q4k_repack",
                    FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
            level = (int) cpuLevel.invokeExact();
        } catch (Throwable t) {
            problem = t.getMessage() != null ? t.getMessage() : t.toString();
            matmul = null;
            repack = null;
            level = -1;
        }
        MATMUL = matmul;
        REPACK = repack;
        CPU_LEVEL = level;
        LEVEL = level < 0 ? level : Math.min(level, NativeKernels.requestedLevel());
        PROBLEM = problem;
    }

    static boolean available() {
        return MATMUL != null;
    }

    /** Why the library or its K-quant kernel is unavailable, or null. */
    static String problem() {
        return PROBLEM;
    }

    /**
     * The level Q4_K products run at: the best this CPU has ({@link #SCALAR} to {@link #AVX512_VNNI}), capped like
     * {@link NativeKernels#level()}; -1 when unavailable.
     */
    public static int level() {
        return LEVEL;
    }

    /** The best level of this CPU, whatever the cap; -1 when unavailable. */
    static int cpuLevel() {
        return CPU_LEVEL;
    }

    /** Whether Q4_K products may run natively here: only at a SIMD level (AVX2 and up; every one gives the same bits). */
    public static boolean usable() {
        return LEVEL >= AVX2;
    }

    /** Rows per group of the repacked layout; the last group is filled up with zero rows. */
    static final int GROUP = 16;

    /**
     * A copy of a Q4_K matrix in the layout that the kernels read, groups of 16 rows interleaved (specified in
     * {@code specula_kquants.c}; the size of the matrix with its rows filled up to a multiple of 16), groups split
     * across the pool, into {@link HugePages}. Native Q4_K products read only this ({@link Matrix#packed}).
     */
    public static MemorySegment repack(MemorySegment data, int rows, int cols, Parallel pool) {
        int superBlocks = cols / Q8KActivations.QK;
        long rowBytes = (long) superBlocks * Q4_K.BYTES;
        int groups = (rows + GROUP - 1) / GROUP;
        MemorySegment dst = HugePages.allocate(rowBytes * GROUP * groups);
        pool.forRange(groups, 4, (start, end) -> {
            try {
                REPACK.invokeExact(data, dst, rowBytes, rows, start, end, superBlocks);
            } catch (Throwable t) {
                throw new IllegalStateException("native Q4_K repack failed", t);
            }
        });
        return dst;
    }

    /**
     * {@code out[t * outStride + r]} for rows {@code [rowStart, rowEnd)} of a Q4_K matrix {@code cols} wide, as
     * {@link #repack} left it ({@code packed}), and the {@code batch} inputs in {@code in}, at {@code level} (AVX2
     * up to {@link #cpuLevel()}), in llama.cpp's order: with {@code batched} the split of {@link Q4_K#gemmInputs}, else
     * every input as if alone. The bits depend on neither the level nor the other inputs.
     */
    public static void matmulRows(int level, MemorySegment packed, int cols, int rowStart, int rowEnd,
                                  Q8KActivations in, int batch, boolean batched, MemorySegment out, int outStride) {
        if (level < AVX2 || level > CPU_LEVEL) {
            throw new IllegalArgumentException("no Q4_K kernel at level " + level + " here (best " + CPU_LEVEL + ")");
        }
        try {
            MATMUL.invokeExact(level, packed, rowStart, rowEnd, cols / Q8KActivations.QK, in.packed(), in.stride(),
                    batch, Q4_K.gemmInputs(batch, batched), out, outStride);
        } catch (Throwable t) {
            throw new IllegalStateException("native Q4_K kernel failed", t);
        }
    }
}
