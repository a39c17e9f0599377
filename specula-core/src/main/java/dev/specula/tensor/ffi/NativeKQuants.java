package dev.specula.tensor.ffi;

import dev.specula.tensor.Matrix;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.format.Q4_K;
import dev.specula.tensor.infra.HugePages;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The native kernel for products with Q4_K weights ({@code src/main/c/specula_kquants.c}, linked into the
 * same library as {@link NativeKernels}), with inputs laid out by {@link Q8KActivations}. It has SIMD code
 * for AVX-512 VNNI only; elsewhere only its scalar reference, which tests call, and Q4_K products stay in
 * Java ({@link #usable()}).
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
            SymbolLookup symbols = NativeKernels.symbols();
            if (symbols == null) throw new IllegalStateException(NativeKernels.problem());
            Linker linker = Linker.nativeLinker();
            MethodHandle cpuLevel = linker.downcallHandle(symbols.findOrThrow("specula_kq_level"),
                    FunctionDescriptor.of(JAVA_INT));
            // critical: no thread-state transition for these short calls, and heap arrays may be passed
            matmul = linker.downcallHandle(symbols.findOrThrow("specula_q4k_matmul_rows"),
                    FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT,
                            ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                    Linker.Option.critical(true));
            repack = linker.downcallHandle(symbols.findOrThrow("specula_q4k_repack"),
                    FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT),
                    Linker.Option.critical(true));
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
     * The level Q4_K products run at: the best this CPU has code for ({@link #SCALAR} to {@link #AVX512_VNNI}), capped
     * like {@link NativeKernels#level()}; -1 when unavailable.
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

    /** {@link #matmulRows(int, MemorySegment, boolean, int, int, int, Q8KActivations, int, MemorySegment, int)} over the file layout. */
    static void matmulRows(int level, MemorySegment data, int cols, int rowStart, int rowEnd,
                           Q8KActivations in, int batch, MemorySegment out, int outStride) {
        matmulRows(level, data, false, cols, rowStart, rowEnd, in, batch, out, outStride);
    }

    /** Whether products at {@code level} can read weights repacked by {@link #repack}. */
    static boolean readsPacked(int level) {
        return level >= AVX2;
    }

    /**
     * A copy of a Q4_K matrix in the layout that the SIMD kernels read without transposing (specified in
     * {@code specula_kquants.c}; same size), rows split across the pool, into {@link HugePages}. Products
     * over it give the same bits as over {@code data}; native Q4_K products read it ({@link Matrix#packed}).
     */
    public static MemorySegment repack(MemorySegment data, int rows, int cols, Parallel pool) {
        int superBlocks = cols / Q8KActivations.QK;
        long rowBytes = (long) superBlocks * Q4_K.BYTES;
        MemorySegment dst = HugePages.allocate(rowBytes * rows);
        pool.forRange(rows, 64, (start, end) -> {
            try {
                REPACK.invokeExact(data, dst, rowBytes, start, end, superBlocks);
            } catch (Throwable t) {
                throw new IllegalStateException("native Q4_K repack failed", t);
            }
        });
        return dst;
    }

    /**
     * {@code out[t * outStride + r]} for rows {@code [rowStart, rowEnd)} of a Q4_K matrix ({@code data},
     * {@code cols} wide; with {@code packed}, as {@link #repack} left it) and the {@code batch} inputs in
     * {@code in}, at {@code level} (up to {@link #cpuLevel()}). Each input's result does not depend on the batch
     * or the other inputs, nor on the SIMD level.
     */
    public static void matmulRows(int level, MemorySegment data, boolean packed, int cols, int rowStart, int rowEnd,
                           Q8KActivations in, int batch, MemorySegment out, int outStride) {
        if (level < SCALAR || level > CPU_LEVEL) {
            throw new IllegalArgumentException("no Q4_K kernel at level " + level + " here (best " + CPU_LEVEL + ")");
        }
        if (packed && !readsPacked(level)) throw new IllegalArgumentException("level " + level + " reads no packed weights");
        int superBlocks = cols / Q8KActivations.QK;
        try {
            MATMUL.invokeExact(level, data, (long) superBlocks * Q4_K.BYTES, rowStart, rowEnd, superBlocks,
                    in.packed(), in.stride(), batch, out, outStride, packed ? 1 : 0);
        } catch (Throwable t) {
            throw new IllegalStateException("native Q4_K kernel failed", t);
        }
    }
}
