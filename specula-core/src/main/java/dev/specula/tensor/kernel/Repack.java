package dev.specula.tensor.kernel;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.infra.HugePages;
import dev.specula.tensor.infra.Layouts;

import java.lang.foreign.MemorySegment;

/**
 * The repacked layout of Q4_0 and Q8_0 weights (specified at {@code specula_repack} in {@code specula_kernels.c})
 * made in Java, byte for byte as the native library makes it, so that {@link PackedRows} runs without the library.
 * Per row, per group of 16 blocks, int32 lane l holds block P(l) = 4 (l % 4) + l / 4: word k of the group
 * ({@code [64 k, 64 k + 64)}) holds bytes 4k..4k+3 of each lane's block (Q8_0 bytes XOR 0x80), then the 16 half
 * scales in lane order; the blocks after the last group stay as they were.
 */
public final class Repack {
    private Repack() {}

    /** A repacked copy of a Q4_0 or Q8_0 matrix, rows split across the pool, into {@link HugePages}. */
    public static MemorySegment repack(GgmlType type, MemorySegment data, int rows, int cols, Parallel pool) {
        long rowBytes = type.byteSize(cols);
        MemorySegment dst = HugePages.allocate(rowBytes * rows);
        pool.forRange(rows, 64, (start, end) -> rows(type, data, dst, rowBytes, start, end, cols / 32));
        return dst;
    }

    /** Rows [r0, r1) of src ({@code rb} bytes a row, {@code nb} blocks) into dst. */
    static void rows(GgmlType type, MemorySegment src, MemorySegment dst, long rb, int r0, int r1, int nb) {
        boolean q4 = type == GgmlType.Q4_0;
        int bs = q4 ? 18 : 34, words = (bs - 2) / 4, ng = nb / 16;
        int flip = q4 ? 0 : 0x80808080;
        for (long r = r0; r < r1; r++) {
            long s = r * rb, d = r * rb;
            for (int g = 0; g < ng; g++, s += 16L * bs, d += 16L * bs) {
                for (int l = 0; l < 16; l++) {
                    long block = s + (long) (4 * (l % 4) + l / 4) * bs;
                    for (int k = 0; k < words; k++) {
                        dst.set(Layouts.INT, d + 64L * k + 4L * l, src.get(Layouts.INT, block + 2 + 4L * k) ^ flip);
                    }
                    dst.set(Layouts.SHORT, d + 16L * (bs - 2) + 2L * l, src.get(Layouts.SHORT, block));
                }
            }
            MemorySegment.copy(src, s, dst, d, (long) (nb - 16 * ng) * bs);
        }
    }
}
