package dev.specula.tensor.ffi;

import dev.specula.tensor.Parallel;
import dev.specula.tensor.infra.HugePages;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The native Q4_0 kernel in llama.cpp's order ({@code src/main/c/specula_q4_0.c}, linked into the library of
 * {@link NativeKernels}): the bits of the Java {@code Q4_0Lanes} at every level ({@link NativeKernels#level()}
 * picks it, scalar to AVX-512 VNNI), batch size and split of the rows. It reads weights repacked by {@link #repack}
 * into groups of 16 rows and inputs laid out by {@link Q4_0Inputs}.
 */
public final class NativeQ4_0 {
    private NativeQ4_0() {}

    /** Rows per group of the repacked weights. */
    public static final int GROUP_ROWS = 16;
    /** Bytes per pair of blocks in a group. */
    private static final long PAIR = 576;

    private static final MethodHandle MATMUL;
    private static final MethodHandle REPACK;
    private static final String PROBLEM;

    static {
        MethodHandle matmul = null;
        MethodHandle repack = null;
        String problem = null;
        try {
            matmul = NativeKernels.critical("specula_q4_0_matmul", FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, JAVA_INT,
                    JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
            repack = NativeKernels.critical("specula_q4_0_repack",
                    FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        } catch (RuntimeException e) {
            problem = e.getMessage();
            matmul = null;
            repack = null;
        }
        MATMUL = matmul;
        REPACK = repack;
        PROBLEM = problem;
    }

    /** Whether the library loaded and has this kernel. */
    public static boolean available() {
        return MATMUL != null;
    }

    /** Why the kernel is unavailable, or null. */
    public static String problem() {
        return PROBLEM;
    }

    /** Bytes of the repacked copy of a {@code rows x cols} matrix: groups of 16 rows, pairs of blocks of 576 bytes. */
    static long repackedBytes(int rows, int cols) {
        return groupBytes(cols) * ((rows + GROUP_ROWS - 1) / GROUP_ROWS);
    }

    private static long groupBytes(int cols) {
        return PAIR * ((cols / 32 + 1) / 2);
    }

    /**
     * The matrix in groups of 16 rows (the layout {@code specula_q4_0.c} specifies; the last group padded with zero
     * rows), groups split across the pool, into {@link HugePages}.
     */
    public static MemorySegment repack(MemorySegment data, int rows, int cols, Parallel pool) {
        MemorySegment dst = HugePages.allocate(repackedBytes(rows, cols));
        pool.forRange((rows + GROUP_ROWS - 1) / GROUP_ROWS, 4, (start, end) -> {
            try {
                REPACK.invokeExact(data, dst, rows, cols / 32, start, end);
            } catch (Throwable t) {
                throw new IllegalStateException("native Q4_0 repack failed", t);
            }
        });
        return dst;
    }

    /**
     * {@code out[t * outStride + r]} for rows {@code [rowStart, rowEnd)} of the matrix that {@link #repack} left in
     * {@code groups} ({@code cols} wide) and the {@code batch} inputs of {@code in}, at {@code level} (at most
     * {@link NativeKernels#cpuLevel()}; tests pass lower ones to run each code path). Row ranges starting at a multiple
     * of {@link #GROUP_ROWS} decode each weight once.
     */
    public static void matmulRows(int level, MemorySegment groups, int cols, int rowStart, int rowEnd, Q4_0Inputs in,
                                  int batch, MemorySegment out, int outStride) {
        if (level < NativeKernels.SCALAR || level > NativeKernels.cpuLevel()) {
            throw new IllegalArgumentException("no Q4_0 kernel at level " + level + " here (best " + NativeKernels.cpuLevel() + ")");
        }
        try {
            MATMUL.invokeExact(level, groups, rowStart, rowEnd, cols / 32, in.segment(), in.stride(), batch, out, outStride);
        } catch (Throwable t) {
            throw new IllegalStateException("native Q4_0 kernel failed", t);
        }
    }
}
