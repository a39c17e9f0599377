package dev.specula.tensor.kernel;

import dev.specula.tensor.Parallel;
import dev.specula.tensor.infra.HugePages;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Q4_0 products in the order of llama.cpp's x86 kernels ({@code ggml_gemv_q4_0_8x8_q8_0} and its gemm, the same
 * arithmetic for one input and for batches): the input rounded to Q8_0 (as {@code InputRounding.Q8_0}), then per
 * output, block after block, {@code acc = fma((float) isum, dw * dx, acc)} from {@code +0}, where isum is the exact
 * integer dot of the block's weights (nibble - 8) with the input's bytes. One accumulator per output and no lane
 * sums, so a value depends neither on the batch nor on the vector width.
 *
 * <p>Here every lane is a weight row: the weights are repacked ({@link #repack}) into groups of {@link #G} rows,
 * block by block: the G half scales, then 8 words of G int16, word k of a row holding its bytes 2k and 2k + 1, that
 * is the nibbles of values 2k, 2k + 16, 2k + 1 and 2k + 17. Each nibble vector is multiplied by the input value
 * broadcast and added in 16-bit lanes (twice the products per instruction of float FMAs), wrapping: the lane starts
 * at {@code -8 sum(q)}, so it ends at {@code sum((nibble - 8) q)} modulo 2^16, and that sum is at most
 * 32 x 8 x 127 = 32512 in size, so the sign-extended lane is the exact isum. The even and odd rows of a group then
 * go to two float accumulators. A decoded weight vector serves up to {@value #MAX_T} inputs; the kernels are
 * unrolled per input count (1, 2 and 4) by {@code KernelSourceGenerator} (test sources), with no vector crossing a
 * call (C2 boxes those, see {@code Q8_0}).
 */
public final class Q4_0Lanes {
    private Q4_0Lanes() {}

    private static final VectorSpecies<Float> F = Lanes.F;
    private static final VectorSpecies<Integer> I = Lanes.I;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED.withShape(F.vectorShape());
    /** Rows per group: the int16 lanes of a vector (32 with AVX-512, 16 with AVX2, 8 with 128-bit vectors). */
    public static final int G = S.length();
    /** Row ranges of a product start at multiples of this (of G at every width). */
    public static final int GRAIN = 32;
    /**
     * Inputs per kernel call: a batch runs in groups of 4, then 2, then 1. Three to six inputs a call were no faster
     * per input (in cache, one thread: all about 40 cycles per 1024 products and input, 2 inputs 43, 1 input 55), and
     * a kernel runs interpreted until C2 has compiled it: fewer kernels, fewer such waits (prompts warm the 4-input one,
     * decoding the 1-input one), where kernels for 3, 5 or 6 inputs first met in a verification pass cost it seconds
     * (seen in bench-perf on the loaded machine: 8.6 and 20 s passes).
     */
    static final int MAX_T = 4;
    /** Bytes of a word (G int16), and where a block's words start (after its G half scales). */
    private static final int WORD = 2 * G, WORDS = 2 * G;
    /** Bytes per block of a group: G half scales, then 8 words of G int16. */
    static final int GROUP_BLOCK = 18 * G;
    /** Adding then subtracting 1.5 * 2^23 rounds a float below 2^22 to the nearest integer, ties to even. */
    private static final float ROUND = 12582912f;

    /** Groups of G rows of {@code rows} rows (the last one padded with zero rows). */
    static int groups(int rows) {
        return (rows + G - 1) / G;
    }

    /** A repacked copy of a Q4_0 matrix in groups of {@link #G} rows, groups split across the pool, into {@link HugePages}. */
    public static MemorySegment repack(MemorySegment data, int rows, int cols, Parallel pool) {
        int nb = cols / 32;
        MemorySegment dst = HugePages.allocate((long) groups(rows) * nb * GROUP_BLOCK);
        pool.forRange(groups(rows), 4, (start, end) -> {
            for (int g = start; g < end; g++) {
                repackGroup(data, (long) g * G, Math.min(G, rows - g * G), nb, dst, (long) g * nb * GROUP_BLOCK);
            }
        });
        return dst;
    }

    /** Rows {@code [first, first + n)} of the file's blocks at {@code src} as one group at byte {@code at} of dst. */
    static void repackGroup(MemorySegment src, long first, int n, int nb, MemorySegment dst, long at) {
        long rowBytes = 18L * nb;
        for (int i = 0; i < nb; i++) {
            long p = at + (long) i * GROUP_BLOCK;
            for (int r = 0; r < G; r++) {
                long b = (first + r) * rowBytes + 18L * i;
                dst.set(Layouts.SHORT, p + 2L * r, r < n ? src.get(Layouts.SHORT, b) : 0);
                for (int k = 0; k < 8; k++) {
                    dst.set(Layouts.SHORT, p + WORDS + (long) WORD * k + 2L * r, r < n ? src.get(Layouts.SHORT, b + 2 + 2L * k) : 0);
                }
            }
        }
    }

    /**
     * A product's inputs rounded as {@code quantize_row_q8_0} (x86) rounds them: per block of 32 values,
     * d = half(max|x| / 127), q = round-half-even(x * (127 / max|x|)). Rounding values already rounded so gives
     * them back unchanged, so this serves raw and rounded inputs alike.
     */
    public static final class Inputs {
        /**
         * Per block, the 32 q in the order the kernels take them (2k, 2k + 16, 2k + 1, 2k + 17 for k = 0..7), each
         * in both halves of an int: broadcast as an int it is a plain load, where a 16-bit broadcast also takes a
         * shuffle (measured: one input 1.2x faster).
         */
        int[] q = new int[0];
        float[] d = new float[0];
        /** Per block, -8 sum(q): where a block's 16-bit lanes start (at most 8 x 32 x 127 = 32512 in size). */
        short[] bias = new short[0];

        /** Rounds {@code batch} inputs of {@code cols} values; reuses its arrays. */
        public void build(float[] x, int batch, int cols) {
            int n = batch * cols, blocks = n / 32;
            if (q.length < n) q = new int[n];
            if (d.length < blocks) {
                d = new float[blocks];
                bias = new short[blocks];
            }
            for (int j = 0; j < blocks; j++) {
                int i0 = 32 * j;
                float amax = 0f;
                for (int k = 0; k < 32; k++) amax = Math.max(amax, Math.abs(x[i0 + k]));
                float id = amax != 0f ? 127f / amax : 0f;
                int sum = 0;
                for (int k = 0; k < 16; k++) {
                    int lo = (int) (x[i0 + k] * id + ROUND - ROUND), hi = (int) (x[i0 + 16 + k] * id + ROUND - ROUND);
                    int at = 32 * j + 4 * (k >> 1) + (k & 1) * 2; // value 2k' (+1): places 4k', 4k' + 2
                    q[at] = lo & 0xFFFF | lo << 16;
                    q[at + 1] = hi & 0xFFFF | hi << 16;
                    sum += lo + hi;
                }
                d[j] = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
                bias[j] = (short) (-8 * sum);
            }
        }
    }

    /** Per thread: the float lanes of one kernel call ({@value #MAX_T} inputs x G rows), and the file path's room. */
    private static final class Scratch {
        final float[] lanes = new float[MAX_T * G];
        MemorySegment group = MemorySegment.NULL;
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * {@code out[t * outStride + r]} for rows {@code [rowStart, rowEnd)} of the repacked matrix {@code w}
     * ({@link #repack}) and the {@code batch} inputs of {@code in}; rowStart must be a multiple of {@link #G}.
     */
    public static void multiply(MemorySegment w, int cols, int rowStart, int rowEnd, Inputs in, int batch,
                                float[] out, int outStride) {
        int nb = cols / 32;
        float[] lanes = SCRATCH.get().lanes;
        for (int r = rowStart; r < rowEnd; r += G) {
            group(w, (long) (r / G) * nb * GROUP_BLOCK, nb, in, batch, lanes, out, r, Math.min(G, rowEnd - r), outStride);
        }
    }

    /**
     * The same product on the file's layout: each group of G rows from rowStart is repacked into this thread's
     * scratch first. For products that do not keep a repacked copy; the values are those of {@link #multiply}.
     */
    public static void multiplyFileLayout(MemorySegment data, int cols, int rowStart, int rowEnd, Inputs in, int batch,
                                          float[] out, int outStride) {
        int nb = cols / 32;
        Scratch scratch = SCRATCH.get();
        long bytes = (long) nb * GROUP_BLOCK;
        // off-heap as the repacked copies are, so that the kernels only ever see one kind of segment
        if (scratch.group.byteSize() < bytes) scratch.group = Arena.ofAuto().allocate(bytes, 64);
        for (int r = rowStart; r < rowEnd; r += G) {
            int n = Math.min(G, rowEnd - r);
            repackGroup(data, r, n, nb, scratch.group, 0);
            group(scratch.group, 0, nb, in, batch, scratch.lanes, out, r, n, outStride);
        }
    }

    /** One group of rows at byte p (its first row r, n of them real) for the inputs in groups of 4, 2 and 1. */
    private static void group(MemorySegment w, long p, int nb, Inputs in, int batch, float[] lanes, float[] out,
                              int r, int n, int outStride) {
        for (int t0 = 0; t0 < batch; ) {
            int size = batch - t0 >= MAX_T ? MAX_T : batch - t0 >= 2 ? 2 : 1, b0 = t0 * nb;
            switch (size) {
                case 1 -> group1(w, p, nb, in, b0, lanes);
                case 2 -> group2(w, p, nb, in, b0, b0 + nb, lanes);
                default -> group4(w, p, nb, in, b0, b0 + nb, b0 + 2 * nb, b0 + 3 * nb, lanes);
            }
            for (int t = t0; t < t0 + size; t++) {
                // lanes [0, G/2) hold the group's even rows, [G/2, G) its odd ones
                int l = (t - t0) * G, o = t * outStride + r;
                for (int i = 0; i < n; i++) out[o + i] = lanes[l + (i >> 1) + (i & 1) * (G / 2)];
            }
            t0 += size;
        }
    }

    /**
     * The reference: one row's product in the same order, scalar, the input {@code x[xOffset..]} rounded to Q8_0
     * first (which leaves rounded inputs as they are).
     */
    public static float dot(MemorySegment data, long index, float[] x, int xOffset, int n) {
        float acc = 0f;
        int[] q = new int[32];
        for (int b = 0; b < n / 32; b++) {
            int i0 = xOffset + 32 * b;
            long blk = (index / 32 + b) * 18;
            float amax = 0f;
            for (int k = 0; k < 32; k++) amax = Math.max(amax, Math.abs(x[i0 + k]));
            float id = amax != 0f ? 127f / amax : 0f;
            for (int k = 0; k < 32; k++) q[k] = (int) (x[i0 + k] * id + ROUND - ROUND);
            float dx = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
            int isum = 0;
            for (int k = 0; k < 16; k++) {
                int byt = data.get(Layouts.BYTE, blk + 2 + k) & 0xff;
                isum += ((byt & 15) - 8) * q[k] + ((byt >>> 4) - 8) * q[k + 16];
            }
            acc = Math.fma((float) isum, Float.float16ToFloat(data.get(Layouts.SHORT, blk)) * dx, acc);
        }
        return acc;
    }

    // The kernels: lanes t * G .. hold input t's even rows, then its odd ones.

    // ---- generated by KernelSourceGenerator (test sources, dev.specula.tensor.gen): edit it, not these ----
    private static void group1(MemorySegment w, long p, int nb, Inputs in, int b0, float[] lanes) {
        int[] q = in.q;
        short[] bias = in.bias;
        float[] d = in.d;
        FloatVector e0 = FloatVector.zero(F), o0 = FloatVector.zero(F);
        for (int i = 0; i < nb; i++, p += GROUP_BLOCK) {
            ShortVector s0 = ShortVector.broadcast(S, bias[b0 + i]);
            int k0 = 32 * (b0 + i);
            for (int k = 0; k < 8; k++) {
                ShortVector v = ShortVector.fromMemorySegment(S, w, p + WORDS + (long) WORD * k, ByteOrder.LITTLE_ENDIAN);
                ShortVector n0 = v.and((short) 15), n1 = v.lanewise(VectorOperators.LSHR, 4).and((short) 15);
                ShortVector n2 = v.lanewise(VectorOperators.LSHR, 8).and((short) 15), n3 = v.lanewise(VectorOperators.LSHR, 12);
                s0 = s0.add(n0.mul(IntVector.broadcast(I, q[k0]).reinterpretAsShorts())
                        .add(n1.mul(IntVector.broadcast(I, q[k0 + 1]).reinterpretAsShorts())))
                        .add(n2.mul(IntVector.broadcast(I, q[k0 + 2]).reinterpretAsShorts())
                        .add(n3.mul(IntVector.broadcast(I, q[k0 + 3]).reinterpretAsShorts())));
                k0 += 4;
            }
            IntVector h = ShortVector.fromMemorySegment(S, w, p, ByteOrder.LITTLE_ENDIAN).reinterpretAsInts();
            IntVector hE = h.and(0xFFFF), magE = hE.and(0x7FFF), bitsE = magE.lanewise(VectorOperators.LSHL, 13);
            IntVector signE = hE.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwE = bitsE.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signE)
                    .blend(bitsE.or(0x7F800000).or(signE), magE.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector hO = h.lanewise(VectorOperators.LSHR, 16), magO = hO.and(0x7FFF), bitsO = magO.lanewise(VectorOperators.LSHL, 13);
            IntVector signO = hO.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwO = bitsO.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signO)
                    .blend(bitsO.or(0x7F800000).or(signO), magO.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector i0 = s0.reinterpretAsInts();
            float x0 = d[b0 + i];
            e0 = ((FloatVector) i0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).fma(dwE.mul(x0), e0);
            o0 = ((FloatVector) i0.lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).fma(dwO.mul(x0), o0);
        }
        e0.intoArray(lanes, 0 * G); o0.intoArray(lanes, 0 * G + G / 2);
    }

    private static void group2(MemorySegment w, long p, int nb, Inputs in, int b0, int b1, float[] lanes) {
        int[] q = in.q;
        short[] bias = in.bias;
        float[] d = in.d;
        FloatVector e0 = FloatVector.zero(F), o0 = FloatVector.zero(F), e1 = FloatVector.zero(F), o1 = FloatVector.zero(F);
        for (int i = 0; i < nb; i++, p += GROUP_BLOCK) {
            ShortVector s0 = ShortVector.broadcast(S, bias[b0 + i]), s1 = ShortVector.broadcast(S, bias[b1 + i]);
            int k0 = 32 * (b0 + i), k1 = 32 * (b1 + i);
            for (int k = 0; k < 8; k++) {
                ShortVector v = ShortVector.fromMemorySegment(S, w, p + WORDS + (long) WORD * k, ByteOrder.LITTLE_ENDIAN);
                ShortVector n0 = v.and((short) 15), n1 = v.lanewise(VectorOperators.LSHR, 4).and((short) 15);
                ShortVector n2 = v.lanewise(VectorOperators.LSHR, 8).and((short) 15), n3 = v.lanewise(VectorOperators.LSHR, 12);
                s0 = s0.add(n0.mul(IntVector.broadcast(I, q[k0]).reinterpretAsShorts())
                        .add(n1.mul(IntVector.broadcast(I, q[k0 + 1]).reinterpretAsShorts())))
                        .add(n2.mul(IntVector.broadcast(I, q[k0 + 2]).reinterpretAsShorts())
                        .add(n3.mul(IntVector.broadcast(I, q[k0 + 3]).reinterpretAsShorts())));
                k0 += 4;
                s1 = s1.add(n0.mul(IntVector.broadcast(I, q[k1]).reinterpretAsShorts())
                        .add(n1.mul(IntVector.broadcast(I, q[k1 + 1]).reinterpretAsShorts())))
                        .add(n2.mul(IntVector.broadcast(I, q[k1 + 2]).reinterpretAsShorts())
                        .add(n3.mul(IntVector.broadcast(I, q[k1 + 3]).reinterpretAsShorts())));
                k1 += 4;
            }
            IntVector h = ShortVector.fromMemorySegment(S, w, p, ByteOrder.LITTLE_ENDIAN).reinterpretAsInts();
            IntVector hE = h.and(0xFFFF), magE = hE.and(0x7FFF), bitsE = magE.lanewise(VectorOperators.LSHL, 13);
            IntVector signE = hE.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwE = bitsE.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signE)
                    .blend(bitsE.or(0x7F800000).or(signE), magE.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector hO = h.lanewise(VectorOperators.LSHR, 16), magO = hO.and(0x7FFF), bitsO = magO.lanewise(VectorOperators.LSHL, 13);
            IntVector signO = hO.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwO = bitsO.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signO)
                    .blend(bitsO.or(0x7F800000).or(signO), magO.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector i0 = s0.reinterpretAsInts();
            float x0 = d[b0 + i];
            e0 = ((FloatVector) i0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).fma(dwE.mul(x0), e0);
            o0 = ((FloatVector) i0.lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).fma(dwO.mul(x0), o0);
            IntVector i1 = s1.reinterpretAsInts();
            float x1 = d[b1 + i];
            e1 = ((FloatVector) i1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).fma(dwE.mul(x1), e1);
            o1 = ((FloatVector) i1.lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).fma(dwO.mul(x1), o1);
        }
        e0.intoArray(lanes, 0 * G); o0.intoArray(lanes, 0 * G + G / 2);
        e1.intoArray(lanes, 1 * G); o1.intoArray(lanes, 1 * G + G / 2);
    }

    private static void group4(MemorySegment w, long p, int nb, Inputs in, int b0, int b1, int b2, int b3, float[] lanes) {
        int[] q = in.q;
        short[] bias = in.bias;
        float[] d = in.d;
        FloatVector e0 = FloatVector.zero(F), o0 = FloatVector.zero(F), e1 = FloatVector.zero(F), o1 = FloatVector.zero(F), e2 = FloatVector.zero(F), o2 = FloatVector.zero(F), e3 = FloatVector.zero(F), o3 = FloatVector.zero(F);
        for (int i = 0; i < nb; i++, p += GROUP_BLOCK) {
            ShortVector s0 = ShortVector.broadcast(S, bias[b0 + i]), s1 = ShortVector.broadcast(S, bias[b1 + i]), s2 = ShortVector.broadcast(S, bias[b2 + i]), s3 = ShortVector.broadcast(S, bias[b3 + i]);
            int k0 = 32 * (b0 + i), k1 = 32 * (b1 + i), k2 = 32 * (b2 + i), k3 = 32 * (b3 + i);
            for (int k = 0; k < 8; k++) {
                ShortVector v = ShortVector.fromMemorySegment(S, w, p + WORDS + (long) WORD * k, ByteOrder.LITTLE_ENDIAN);
                ShortVector n0 = v.and((short) 15), n1 = v.lanewise(VectorOperators.LSHR, 4).and((short) 15);
                ShortVector n2 = v.lanewise(VectorOperators.LSHR, 8).and((short) 15), n3 = v.lanewise(VectorOperators.LSHR, 12);
                s0 = s0.add(n0.mul(IntVector.broadcast(I, q[k0]).reinterpretAsShorts())
                        .add(n1.mul(IntVector.broadcast(I, q[k0 + 1]).reinterpretAsShorts())))
                        .add(n2.mul(IntVector.broadcast(I, q[k0 + 2]).reinterpretAsShorts())
                        .add(n3.mul(IntVector.broadcast(I, q[k0 + 3]).reinterpretAsShorts())));
                k0 += 4;
                s1 = s1.add(n0.mul(IntVector.broadcast(I, q[k1]).reinterpretAsShorts())
                        .add(n1.mul(IntVector.broadcast(I, q[k1 + 1]).reinterpretAsShorts())))
                        .add(n2.mul(IntVector.broadcast(I, q[k1 + 2]).reinterpretAsShorts())
                        .add(n3.mul(IntVector.broadcast(I, q[k1 + 3]).reinterpretAsShorts())));
                k1 += 4;
                s2 = s2.add(n0.mul(IntVector.broadcast(I, q[k2]).reinterpretAsShorts())
                        .add(n1.mul(IntVector.broadcast(I, q[k2 + 1]).reinterpretAsShorts())))
                        .add(n2.mul(IntVector.broadcast(I, q[k2 + 2]).reinterpretAsShorts())
                        .add(n3.mul(IntVector.broadcast(I, q[k2 + 3]).reinterpretAsShorts())));
                k2 += 4;
                s3 = s3.add(n0.mul(IntVector.broadcast(I, q[k3]).reinterpretAsShorts())
                        .add(n1.mul(IntVector.broadcast(I, q[k3 + 1]).reinterpretAsShorts())))
                        .add(n2.mul(IntVector.broadcast(I, q[k3 + 2]).reinterpretAsShorts())
                        .add(n3.mul(IntVector.broadcast(I, q[k3 + 3]).reinterpretAsShorts())));
                k3 += 4;
            }
            IntVector h = ShortVector.fromMemorySegment(S, w, p, ByteOrder.LITTLE_ENDIAN).reinterpretAsInts();
            IntVector hE = h.and(0xFFFF), magE = hE.and(0x7FFF), bitsE = magE.lanewise(VectorOperators.LSHL, 13);
            IntVector signE = hE.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwE = bitsE.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signE)
                    .blend(bitsE.or(0x7F800000).or(signE), magE.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector hO = h.lanewise(VectorOperators.LSHR, 16), magO = hO.and(0x7FFF), bitsO = magO.lanewise(VectorOperators.LSHL, 13);
            IntVector signO = hO.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwO = bitsO.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signO)
                    .blend(bitsO.or(0x7F800000).or(signO), magO.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector i0 = s0.reinterpretAsInts();
            float x0 = d[b0 + i];
            e0 = ((FloatVector) i0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).fma(dwE.mul(x0), e0);
            o0 = ((FloatVector) i0.lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).fma(dwO.mul(x0), o0);
            IntVector i1 = s1.reinterpretAsInts();
            float x1 = d[b1 + i];
            e1 = ((FloatVector) i1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).fma(dwE.mul(x1), e1);
            o1 = ((FloatVector) i1.lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).fma(dwO.mul(x1), o1);
            IntVector i2 = s2.reinterpretAsInts();
            float x2 = d[b2 + i];
            e2 = ((FloatVector) i2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).fma(dwE.mul(x2), e2);
            o2 = ((FloatVector) i2.lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).fma(dwO.mul(x2), o2);
            IntVector i3 = s3.reinterpretAsInts();
            float x3 = d[b3 + i];
            e3 = ((FloatVector) i3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).fma(dwE.mul(x3), e3);
            o3 = ((FloatVector) i3.lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).fma(dwO.mul(x3), o3);
        }
        e0.intoArray(lanes, 0 * G); o0.intoArray(lanes, 0 * G + G / 2);
        e1.intoArray(lanes, 1 * G); o1.intoArray(lanes, 1 * G + G / 2);
        e2.intoArray(lanes, 2 * G); o2.intoArray(lanes, 2 * G + G / 2);
        e3.intoArray(lanes, 3 * G); o3.intoArray(lanes, 3 * G + G / 2);
    }

    // ---- end of generated kernels ----
}
