package dev.specula.tensor.kernel;

import dev.specula.tensor.format.Q8_0;
import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Layouts;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Q4_0 and Q8_0 products in Java on the repacked weights that the native AVX-512 kernel reads
 * ({@code specula_repack} in {@code specula_kernels.c}, or {@link Repack} without the library), with results
 * bit-identical to that kernel's.
 *
 * <p>Per row and input, a group of 16 blocks gives one int32 lane per block. The native kernel sums
 * {@code u * q} over the block's 32 values with {@code vpdpbusd} (u: the unsigned weight, the nibble or
 * q + 128; q: the input's Q8_0 byte) starting from the bias {@code -8 sum(q)} or {@code -128 sum(q)}, converts
 * that integer to float and adds {@code s * (dw * dx)} to a float accumulator with one FMA. Here the same
 * integer is summed in float: each product is exact, and every partial sum is an integer below 2^24, so float
 * FMAs in any order give it exactly. The weights come out of their 32-bit lanes mostly with one AND and no
 * shift: the value {@code u << 8i} converts to float exactly, and the input value that meets it was stored times
 * {@code 2^-8i} ({@link PackedInputs}), so the product is still {@code u * q}. Then the FMA with the scales, in
 * the native order over groups, and the lane sum in the order of GCC's {@code _mm512_reduce_add_ps}. The blocks
 * after the last full group follow the native pair kernel (two blocks a register, 8 lanes each, its own
 * accumulator, a lone last block multiplied and added on 8 lanes), whose sum is added to the groups' sum.
 *
 * <p>Q4_0 sums in 16-bit integers instead ({@code pairQ4_*}, {@code singleQ4_*}): step k takes nibbles 4 (k % 4)
 * of word k / 4 and of its upper half, two 16-bit lanes per block ({@code (w >>> 4s) & 0x000F000F}), and multiplies
 * and adds them with the input's int16 values ({@code vpmullw}, {@code vpaddw}: twice the products per instruction
 * of a float FMA, which bounds the float kernels at 3 or more inputs). A 16-bit lane takes 16 products of at most
 * 15 x 127, 30480 in all, so it never wraps; the sign-extended sum of a lane's two halves plus the bias is the
 * int32 the native kernel forms. Q8_0's products (up to 255 x 127) would wrap after two, so Q8_0 stays on floats.
 *
 * <p>Inputs go in groups of up to {@value #MAX_T} sharing every decoded weight vector, two rows at a time, one
 * kernel per group size, hand-unrolled: C2 boxes vectors held in arrays or passed to methods it
 * does not inline (see {@link Q8_0}). {@code KernelSourceGenerator} (test sources) writes these kernels. The float (Q8_0) kernels: wide ones (1 to 3 inputs) decode four values of a
 * 32-bit lane a step, narrow ones (3 to 5) two, since C1 gave up on a wide body for 4 inputs ("out of virtual registers")
 * and the method then ran interpreted-speed for seconds. Every input's integer sums are exact and its float
 * operations the same in every kernel, so a value does not depend on the batch size or the kernel.
 */
final class PackedRows {
    private PackedRows() {}

    /** Inputs per kernel call; larger batches run in groups of at most this many, split as evenly as possible. */
    static final int MAX_T = 5;
    /** These kernels need 16 float lanes. */
    static final boolean SUPPORTED = FloatVector.SPECIES_PREFERRED.length() == 16;
    static final int Q4_GROUP = 16 * 18, Q8_GROUP = 16 * 34;
    /** Floats per input and group in {@link PackedInputs}: 32 values x 16 lanes, then dx, then the bias. */
    static final int GF = PackedInputs.GROUP_FLOATS, DX = 512, BIAS = 528;
    /**
     * Q4_0 inputs per group, in floats' room: 16 vectors of 32 int16 values (1024 bytes), then dx, then the
     * bias as int32 (see {@link PackedInputs}).
     */
    static final int GF4 = PackedInputs.Q4_GROUP_FLOATS, DX4 = 256, BIAS4 = 272;
    /** Floats per input and pair of tail blocks: 4 values x 16 lanes, then dx, then the bias. */
    static final int PF = PackedInputs.PAIR_FLOATS;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final VectorSpecies<Short> H = ShortVector.SPECIES_256;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
    private static final boolean[] HIGH = {false, false, false, false, false, false, false, false,
            true, true, true, true, true, true, true, true};
    /** Q4_0 tail: lanes 4..7 and 12..15 take the same words as 0..3 and 8..11, and their high nibbles. */
    private static final int[] Q4_WORD = {0, 1, 2, 3, 0, 1, 2, 3, 8, 9, 10, 11, 8, 9, 10, 11};
    private static final int[] Q4_SHIFT = {0, 0, 0, 0, 4, 4, 4, 4, 0, 0, 0, 0, 4, 4, 4, 4};
    private static final int[] ZERO = new int[16];

    /** Per-thread room: the accumulators of a call (2 rows x {@value #MAX_T} inputs x 16 lanes), 16 gathered words. */
    private static final class Scratch {
        final float[] lanes = new float[2 * MAX_T * 16];
        final int[] words = new int[16];
        /** The decoded tail weights of one row: per pair of blocks, 4 value vectors, and 16 scales. */
        final float[] tailU = new float[8 * 64], tailD = new float[8 * 16];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Whether products with {@code cols}-wide Q4_0/Q8_0 rows take this kernel's arithmetic: here on the repacked
     * weights with 16 float lanes, else in {@link PackedTwin} on the file's layout.
     */
    static boolean reads(int cols) {
        return cols % 32 == 0 && cols >= 512;
    }

    /**
     * {@code out[t * outStride + r]} for rows {@code [rowStart, rowEnd)} of the repacked matrix {@code w} and the
     * {@code batch} inputs of {@code in} (laid out for the same type and width).
     *
     * <p>Row r goes with row r + half of the range: two weight streams far apart, each input load feeding both
     * (an odd last row goes alone), and the two rows' weights stay in L1 for every group of inputs. Column chunks
     * that keep the inputs in L1, as the native kernel has, measured slower here (one thread, 4096x4096 Q4_0, batch
     * 2: 1.91 against 1.21 ms; batch 5: 3.16 against 2.50 ms).
     */
    static void multiply(boolean q4, MemorySegment w, int cols, int rowStart, int rowEnd, PackedInputs in, int batch,
                         float[] out, int outStride) {
        int nb = cols / 32, ng = nb / 16, tail = nb - 16 * ng;
        int bs = q4 ? 18 : 34, gb = 16 * bs;
        long rb = (long) nb * bs;
        MemorySegment x = in.values();
        int xs = in.stride();
        Scratch scratch = SCRATCH.get();
        float[] lanes = scratch.lanes;
        boolean narrow = in.narrow();
        int groups = (batch + MAX_T - 1) / MAX_T;
        int half = (rowEnd - rowStart) / 2;
        for (int r = rowStart; r < rowStart + half; r++) {
            long a = r * rb, c = (r + half) * rb;
            for (int g = 0, t0 = 0; g < groups; g++) {
                int t1 = (int) ((long) batch * (g + 1) / groups), x0 = t0 * xs, o = t0 * outStride + r;
                if (q4) {
                    switch (t1 - t0) {
                        case 1 -> pairQ4_1(w, a, c, ng, x, x0, lanes, out, o, outStride, half);
                        case 2 -> pairQ4_2(w, a, c, ng, x, x0, x0 + xs, lanes, out, o, outStride, half);
                        case 3 -> pairQ4_3(w, a, c, ng, x, x0, x0 + xs, x0 + 2 * xs, lanes, out, o, outStride, half);
                        case 4 -> pairQ4_4(w, a, c, ng, x, x0, x0 + xs, x0 + 2 * xs, x0 + 3 * xs, lanes, out, o, outStride, half);
                        default -> pairQ4_5(w, a, c, ng, x, x0, x0 + xs, x0 + 2 * xs, x0 + 3 * xs, x0 + 4 * xs, lanes, out, o, outStride, half);
                    }
                } else if (narrow) {
                    switch (t1 - t0) {
                        case 3 -> pairNarrow3(w, a, c, ng, x, x0, x0 + xs, x0 + 2 * xs, lanes, out, o, outStride, half);
                        case 4 -> pairNarrow4(w, a, c, ng, x, x0, x0 + xs, x0 + 2 * xs, x0 + 3 * xs, lanes, out, o, outStride, half);
                        default -> pairNarrow5(w, a, c, ng, x, x0, x0 + xs, x0 + 2 * xs, x0 + 3 * xs, x0 + 4 * xs, lanes, out, o, outStride, half);
                    }
                } else {
                    switch (t1 - t0) {
                        case 1 -> pairWide1(w, a, c, ng, x, x0, lanes, out, o, outStride, half);
                        case 2 -> pairWide2(w, a, c, ng, x, x0, x0 + xs, lanes, out, o, outStride, half);
                        default -> pairWide3(w, a, c, ng, x, x0, x0 + xs, x0 + 2 * xs, lanes, out, o, outStride, half);
                    }
                }
                t0 = t1;
            }
        }
        if (((rowEnd - rowStart) & 1) != 0) {
            int r = rowEnd - 1;
            long a = r * rb;
            for (int g = 0, t0 = 0; g < groups; g++) {
                int t1 = (int) ((long) batch * (g + 1) / groups), x0 = t0 * xs, o = t0 * outStride + r;
                if (q4) {
                    switch (t1 - t0) {
                        case 1 -> singleQ4_1(w, a, ng, x, x0, lanes, out, o, outStride);
                        case 2 -> singleQ4_2(w, a, ng, x, x0, x0 + xs, lanes, out, o, outStride);
                        case 3 -> singleQ4_3(w, a, ng, x, x0, x0 + xs, x0 + 2 * xs, lanes, out, o, outStride);
                        case 4 -> singleQ4_4(w, a, ng, x, x0, x0 + xs, x0 + 2 * xs, x0 + 3 * xs, lanes, out, o, outStride);
                        default -> singleQ4_5(w, a, ng, x, x0, x0 + xs, x0 + 2 * xs, x0 + 3 * xs, x0 + 4 * xs, lanes, out, o, outStride);
                    }
                } else if (narrow) {
                    switch (t1 - t0) {
                        case 3 -> singleNarrow3(w, a, ng, x, x0, x0 + xs, x0 + 2 * xs, lanes, out, o, outStride);
                        case 4 -> singleNarrow4(w, a, ng, x, x0, x0 + xs, x0 + 2 * xs, x0 + 3 * xs, lanes, out, o, outStride);
                        default -> singleNarrow5(w, a, ng, x, x0, x0 + xs, x0 + 2 * xs, x0 + 3 * xs, x0 + 4 * xs, lanes, out, o, outStride);
                    }
                } else {
                    switch (t1 - t0) {
                        case 1 -> singleWide1(w, a, ng, x, x0, lanes, out, o, outStride);
                        case 2 -> singleWide2(w, a, ng, x, x0, x0 + xs, lanes, out, o, outStride);
                        default -> singleWide3(w, a, ng, x, x0, x0 + xs, x0 + 2 * xs, lanes, out, o, outStride);
                    }
                }
                t0 = t1;
            }
        }
        if (tail > 0) {
            for (int r = rowStart; r < rowEnd; r++) {
                tailWeights(w, r * rb + (long) ng * gb, tail, q4, scratch);
                for (int t = 0; t < batch; t++) {
                    int o = t * outStride + r;
                    out[o] = out[o] + tailDot(tail, x, t * xs + ng * (q4 ? GF4 : GF), scratch);
                }
            }
        }
    }

    /** Lanes i + 8, then i + 4, then i + 2, then the last two: GCC's {@code _mm512_reduce_add_ps} (and {@link LaneSum}). */
    static float reduce(float[] l, int o) {
        float t0 = l[o] + l[o + 8], t1 = l[o + 1] + l[o + 9], t2 = l[o + 2] + l[o + 10], t3 = l[o + 3] + l[o + 11];
        float t4 = l[o + 4] + l[o + 12], t5 = l[o + 5] + l[o + 13], t6 = l[o + 6] + l[o + 14], t7 = l[o + 7] + l[o + 15];
        float u0 = t0 + t4, u1 = t1 + t5, u2 = t2 + t6, u3 = t3 + t7;
        return (u0 + u2) + (u1 + u3);
    }

    /**
     * The blocks after a row's last group, as the native pair kernel forms their sum: per pair of blocks one
     * 16-lane vector, lane i over values 4 (i % 8) .. + 3 of the first block (i < 8) or the second, an FMA of its
     * integer sum with the scales into one accumulator; a lone last block on lanes 0..7, multiplied and added.
     * The weights of the row's {@code n} tail blocks at byte {@code a} are decoded once here, into the scratch
     * (4 value vectors and the scales per pair), then {@link #tailDot} reads them for each input.
     */
    private static void tailWeights(MemorySegment w, long a, int n, boolean q4, Scratch scratch) {
        final int bs = q4 ? 18 : 34;
        final int a0 = q4 ? 0xF : 0xFF, a1 = q4 ? 0xF00 : 0xFF00, a2 = q4 ? 0xF0000 : 0xFF0000, a3 = q4 ? 0x0F000000 : 0xFF;
        final int sA = q4 ? 0 : 24, flip = q4 ? 0 : 0x80808080;
        final long size = w.byteSize();
        float[] u = scratch.tailU, d = scratch.tailD;
        VectorMask<Integer> high = VectorMask.fromArray(I, HIGH, 0);
        IntVector index = IntVector.fromArray(I, Q4_WORD, 0);
        IntVector shift = IntVector.fromArray(I, q4 ? Q4_SHIFT : ZERO, 0);
        for (int p = 0; 2 * p < n; p++) {
            boolean lone = 2 * p + 1 == n;
            long pa = a + (long) 2 * p * bs;
            IntVector word;
            if (pa + 68 <= size) { // the loads below read up to 68 bytes past pa
                if (q4) {
                    word = index.selectFrom(IntVector.fromMemorySegment(I, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                            .blend(IntVector.fromMemorySegment(I, w, pa - 12, ByteOrder.LITTLE_ENDIAN), high));
                } else {
                    word = IntVector.fromMemorySegment(I, w, pa + 2, ByteOrder.LITTLE_ENDIAN)
                            .blend(IntVector.fromMemorySegment(I, w, pa + 4, ByteOrder.LITTLE_ENDIAN), high);
                }
            } else {
                int[] words = scratch.words;
                for (int i = 0; i < 16; i++) {
                    long block = pa + (i < 8 ? 0 : bs);
                    words[i] = lone && i >= 8 ? 0 : w.get(Layouts.INT, block + 2 + 4 * (q4 ? i % 4 : i % 8));
                }
                word = IntVector.fromArray(I, words, 0);
            }
            word = word.lanewise(VectorOperators.XOR, flip).lanewise(VectorOperators.LSHR, shift);
            int o = 64 * p;
            ((FloatVector) word.and(a0).convert(VectorOperators.I2F, 0)).intoArray(u, o);
            ((FloatVector) word.and(a1).convert(VectorOperators.I2F, 0)).intoArray(u, o + 16);
            ((FloatVector) word.and(a2).convert(VectorOperators.I2F, 0)).intoArray(u, o + 32);
            ((FloatVector) word.lanewise(VectorOperators.LSHR, sA).and(a3).convert(VectorOperators.I2F, 0)).intoArray(u, o + 48);
            float da = Float.float16ToFloat(w.get(Layouts.SHORT, pa));
            float db = lone ? 0f : Float.float16ToFloat(w.get(Layouts.SHORT, pa + bs));
            for (int i = 0; i < 16; i++) d[16 * p + i] = i < 8 ? da : db;
        }
    }

    /** One input's sum over the tail blocks that {@link #tailWeights} decoded ({@code n} blocks, inputs at float {@code xt}). */
    private static float tailDot(int n, MemorySegment x, int xt, Scratch scratch) {
        float[] u = scratch.tailU, d = scratch.tailD;
        VectorMask<Float> high = VectorMask.fromArray(F, HIGH, 0);
        FloatVector acc = FloatVector.zero(F);
        for (int p = 0; 2 * p < n; p++, xt += PF) {
            int o = 64 * p;
            FloatVector s = FloatVector.fromMemorySegment(F, x, 4L * (xt + 80), ByteOrder.LITTLE_ENDIAN);
            s = FloatVector.fromArray(F, u, o).fma(FloatVector.fromMemorySegment(F, x, 4L * xt, ByteOrder.LITTLE_ENDIAN), s);
            s = FloatVector.fromArray(F, u, o + 16).fma(FloatVector.fromMemorySegment(F, x, 4L * (xt + 16), ByteOrder.LITTLE_ENDIAN), s);
            s = FloatVector.fromArray(F, u, o + 32).fma(FloatVector.fromMemorySegment(F, x, 4L * (xt + 32), ByteOrder.LITTLE_ENDIAN), s);
            s = FloatVector.fromArray(F, u, o + 48).fma(FloatVector.fromMemorySegment(F, x, 4L * (xt + 48), ByteOrder.LITTLE_ENDIAN), s);
            FloatVector sc = FloatVector.fromArray(F, d, 16 * p).mul(FloatVector.fromMemorySegment(F, x, 4L * (xt + 64), ByteOrder.LITTLE_ENDIAN));
            if (2 * p + 1 == n) {
                acc = acc.add(s.mul(sc).blend(FloatVector.zero(F), high));
            } else {
                acc = s.fma(sc, acc);
            }
        }
        float[] lanes = scratch.lanes;
        acc.intoArray(lanes, 0);
        return reduce(lanes, 0);
    }

    // ---- generated by KernelSourceGenerator (test sources, dev.specula.tensor.gen): edit it, not these ----
    private static void pairWide1(MemorySegment w, long rowA, long rowC, int ng, MemorySegment x, int x0,
                              float[] lanes, float[] out, int o, int stride, int dr) {
        FloatVector accA0 = FloatVector.zero(F), accC0 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q8_GROUP;
            long bC = rowC + (long) g * Q8_GROUP;
            int g0 = x0 + g * GF;
            FloatVector bias0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector sA0a = bias0, sA0b = FloatVector.zero(F), sA0c = FloatVector.zero(F), sA0d = FloatVector.zero(F), sC0a = bias0, sC0b = FloatVector.zero(F), sC0c = FloatVector.zero(F), sC0d = FloatVector.zero(F);
            for (int i = 0; i < 8; i++) {
                // four values a step: bytes 0..3 of word i
                long wo = 64L * i;
                int k = 64 * i;
                IntVector wA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN);
                IntVector wC = IntVector.fromMemorySegment(I, w, bC + wo, ByteOrder.LITTLE_ENDIAN);
                FloatVector uA = (FloatVector) wA.and(0xFF).convert(VectorOperators.I2F, 0);
                FloatVector uC = (FloatVector) wC.and(0xFF).convert(VectorOperators.I2F, 0);
                FloatVector v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k), ByteOrder.LITTLE_ENDIAN);
                sA0a = uA.fma(v, sA0a); sC0a = uC.fma(v, sC0a);
                uA = (FloatVector) wA.and(0xFF00).convert(VectorOperators.I2F, 0);
                uC = (FloatVector) wC.and(0xFF00).convert(VectorOperators.I2F, 0);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA0b = uA.fma(v, sA0b); sC0b = uC.fma(v, sC0b);
                uA = (FloatVector) wA.and(0xFF0000).convert(VectorOperators.I2F, 0);
                uC = (FloatVector) wC.and(0xFF0000).convert(VectorOperators.I2F, 0);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 32), ByteOrder.LITTLE_ENDIAN);
                sA0c = uA.fma(v, sA0c); sC0c = uC.fma(v, sC0c);
                uA = (FloatVector) wA.lanewise(VectorOperators.LSHR, 24).convert(VectorOperators.I2F, 0);
                uC = (FloatVector) wC.lanewise(VectorOperators.LSHR, 24).convert(VectorOperators.I2F, 0);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 48), ByteOrder.LITTLE_ENDIAN);
                sA0d = uA.fma(v, sA0d); sC0d = uC.fma(v, sC0d);
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector hC = (IntVector) ShortVector.fromMemorySegment(H, w, bC + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magC = hC.and(0x7FFF), bitsC = magC.lanewise(VectorOperators.LSHL, 13);
            IntVector signC = hC.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwC = bitsC.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signC)
                    .blend(bitsC.or(0x7F800000).or(signC), magC.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + DX), ByteOrder.LITTLE_ENDIAN);
            accA0 = sA0a.add(sA0b).add(sA0c.add(sA0d)).fma(dwA.mul(dx0), accA0);
            accC0 = sC0a.add(sC0b).add(sC0c.add(sC0d)).fma(dwC.mul(dx0), accC0);
        }
        accA0.intoArray(lanes, 0);
        accC0.intoArray(lanes, 80);
        out[o] = reduce(lanes, 0);
        out[o + dr] = reduce(lanes, 80);
    }

    private static void pairWide2(MemorySegment w, long rowA, long rowC, int ng, MemorySegment x, int x0, int x1,
                              float[] lanes, float[] out, int o, int stride, int dr) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F), accC0 = FloatVector.zero(F), accC1 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q8_GROUP;
            long bC = rowC + (long) g * Q8_GROUP;
            int g0 = x0 + g * GF, g1 = x1 + g * GF;
            FloatVector bias0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector sA0a = bias0, sA0b = FloatVector.zero(F), sA1a = bias1, sA1b = FloatVector.zero(F), sC0a = bias0, sC0b = FloatVector.zero(F), sC1a = bias1, sC1b = FloatVector.zero(F);
            for (int i = 0; i < 8; i++) {
                // four values a step: bytes 0..3 of word i
                long wo = 64L * i;
                int k = 64 * i;
                IntVector wA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN);
                IntVector wC = IntVector.fromMemorySegment(I, w, bC + wo, ByteOrder.LITTLE_ENDIAN);
                FloatVector uA = (FloatVector) wA.and(0xFF).convert(VectorOperators.I2F, 0);
                FloatVector uC = (FloatVector) wC.and(0xFF).convert(VectorOperators.I2F, 0);
                FloatVector v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k), ByteOrder.LITTLE_ENDIAN);
                sA0a = uA.fma(v, sA0a); sC0a = uC.fma(v, sC0a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g1 + k), ByteOrder.LITTLE_ENDIAN);
                sA1a = uA.fma(v, sA1a); sC1a = uC.fma(v, sC1a);
                uA = (FloatVector) wA.and(0xFF00).convert(VectorOperators.I2F, 0);
                uC = (FloatVector) wC.and(0xFF00).convert(VectorOperators.I2F, 0);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA0b = uA.fma(v, sA0b); sC0b = uC.fma(v, sC0b);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA1b = uA.fma(v, sA1b); sC1b = uC.fma(v, sC1b);
                uA = (FloatVector) wA.and(0xFF0000).convert(VectorOperators.I2F, 0);
                uC = (FloatVector) wC.and(0xFF0000).convert(VectorOperators.I2F, 0);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 32), ByteOrder.LITTLE_ENDIAN);
                sA0a = uA.fma(v, sA0a); sC0a = uC.fma(v, sC0a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 32), ByteOrder.LITTLE_ENDIAN);
                sA1a = uA.fma(v, sA1a); sC1a = uC.fma(v, sC1a);
                uA = (FloatVector) wA.lanewise(VectorOperators.LSHR, 24).convert(VectorOperators.I2F, 0);
                uC = (FloatVector) wC.lanewise(VectorOperators.LSHR, 24).convert(VectorOperators.I2F, 0);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 48), ByteOrder.LITTLE_ENDIAN);
                sA0b = uA.fma(v, sA0b); sC0b = uC.fma(v, sC0b);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 48), ByteOrder.LITTLE_ENDIAN);
                sA1b = uA.fma(v, sA1b); sC1b = uC.fma(v, sC1b);
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector hC = (IntVector) ShortVector.fromMemorySegment(H, w, bC + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magC = hC.and(0x7FFF), bitsC = magC.lanewise(VectorOperators.LSHL, 13);
            IntVector signC = hC.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwC = bitsC.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signC)
                    .blend(bitsC.or(0x7F800000).or(signC), magC.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + DX), ByteOrder.LITTLE_ENDIAN);
            accA0 = sA0a.add(sA0b).fma(dwA.mul(dx0), accA0);
            accC0 = sC0a.add(sC0b).fma(dwC.mul(dx0), accC0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + DX), ByteOrder.LITTLE_ENDIAN);
            accA1 = sA1a.add(sA1b).fma(dwA.mul(dx1), accA1);
            accC1 = sC1a.add(sC1b).fma(dwC.mul(dx1), accC1);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        accC0.intoArray(lanes, 80);
        accC1.intoArray(lanes, 96);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
        out[o + dr] = reduce(lanes, 80);
        out[o + 1 * stride + dr] = reduce(lanes, 96);
    }

    private static void pairWide3(MemorySegment w, long rowA, long rowC, int ng, MemorySegment x, int x0, int x1, int x2,
                              float[] lanes, float[] out, int o, int stride, int dr) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F), accA2 = FloatVector.zero(F), accC0 = FloatVector.zero(F), accC1 = FloatVector.zero(F), accC2 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q8_GROUP;
            long bC = rowC + (long) g * Q8_GROUP;
            int g0 = x0 + g * GF, g1 = x1 + g * GF, g2 = x2 + g * GF;
            FloatVector bias0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias2 = FloatVector.fromMemorySegment(F, x, 4L * (g2 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector sA0a = bias0, sA1a = bias1, sA2a = bias2, sC0a = bias0, sC1a = bias1, sC2a = bias2;
            for (int i = 0; i < 8; i++) {
                // four values a step: bytes 0..3 of word i
                long wo = 64L * i;
                int k = 64 * i;
                IntVector wA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN);
                IntVector wC = IntVector.fromMemorySegment(I, w, bC + wo, ByteOrder.LITTLE_ENDIAN);
                FloatVector uA = (FloatVector) wA.and(0xFF).convert(VectorOperators.I2F, 0);
                FloatVector uC = (FloatVector) wC.and(0xFF).convert(VectorOperators.I2F, 0);
                FloatVector v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k), ByteOrder.LITTLE_ENDIAN);
                sA0a = uA.fma(v, sA0a); sC0a = uC.fma(v, sC0a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g1 + k), ByteOrder.LITTLE_ENDIAN);
                sA1a = uA.fma(v, sA1a); sC1a = uC.fma(v, sC1a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g2 + k), ByteOrder.LITTLE_ENDIAN);
                sA2a = uA.fma(v, sA2a); sC2a = uC.fma(v, sC2a);
                uA = (FloatVector) wA.and(0xFF00).convert(VectorOperators.I2F, 0);
                uC = (FloatVector) wC.and(0xFF00).convert(VectorOperators.I2F, 0);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA0a = uA.fma(v, sA0a); sC0a = uC.fma(v, sC0a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA1a = uA.fma(v, sA1a); sC1a = uC.fma(v, sC1a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g2 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA2a = uA.fma(v, sA2a); sC2a = uC.fma(v, sC2a);
                uA = (FloatVector) wA.and(0xFF0000).convert(VectorOperators.I2F, 0);
                uC = (FloatVector) wC.and(0xFF0000).convert(VectorOperators.I2F, 0);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 32), ByteOrder.LITTLE_ENDIAN);
                sA0a = uA.fma(v, sA0a); sC0a = uC.fma(v, sC0a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 32), ByteOrder.LITTLE_ENDIAN);
                sA1a = uA.fma(v, sA1a); sC1a = uC.fma(v, sC1a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g2 + k + 32), ByteOrder.LITTLE_ENDIAN);
                sA2a = uA.fma(v, sA2a); sC2a = uC.fma(v, sC2a);
                uA = (FloatVector) wA.lanewise(VectorOperators.LSHR, 24).convert(VectorOperators.I2F, 0);
                uC = (FloatVector) wC.lanewise(VectorOperators.LSHR, 24).convert(VectorOperators.I2F, 0);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 48), ByteOrder.LITTLE_ENDIAN);
                sA0a = uA.fma(v, sA0a); sC0a = uC.fma(v, sC0a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 48), ByteOrder.LITTLE_ENDIAN);
                sA1a = uA.fma(v, sA1a); sC1a = uC.fma(v, sC1a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g2 + k + 48), ByteOrder.LITTLE_ENDIAN);
                sA2a = uA.fma(v, sA2a); sC2a = uC.fma(v, sC2a);
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector hC = (IntVector) ShortVector.fromMemorySegment(H, w, bC + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magC = hC.and(0x7FFF), bitsC = magC.lanewise(VectorOperators.LSHL, 13);
            IntVector signC = hC.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwC = bitsC.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signC)
                    .blend(bitsC.or(0x7F800000).or(signC), magC.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + DX), ByteOrder.LITTLE_ENDIAN);
            accA0 = sA0a.fma(dwA.mul(dx0), accA0);
            accC0 = sC0a.fma(dwC.mul(dx0), accC0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + DX), ByteOrder.LITTLE_ENDIAN);
            accA1 = sA1a.fma(dwA.mul(dx1), accA1);
            accC1 = sC1a.fma(dwC.mul(dx1), accC1);
            FloatVector dx2 = FloatVector.fromMemorySegment(F, x, 4L * (g2 + DX), ByteOrder.LITTLE_ENDIAN);
            accA2 = sA2a.fma(dwA.mul(dx2), accA2);
            accC2 = sC2a.fma(dwC.mul(dx2), accC2);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        accA2.intoArray(lanes, 32);
        accC0.intoArray(lanes, 80);
        accC1.intoArray(lanes, 96);
        accC2.intoArray(lanes, 112);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
        out[o + 2 * stride] = reduce(lanes, 32);
        out[o + dr] = reduce(lanes, 80);
        out[o + 1 * stride + dr] = reduce(lanes, 96);
        out[o + 2 * stride + dr] = reduce(lanes, 112);
    }

    private static void singleWide1(MemorySegment w, long rowA, int ng, MemorySegment x, int x0,
                              float[] lanes, float[] out, int o, int stride) {
        FloatVector accA0 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q8_GROUP;
            int g0 = x0 + g * GF;
            FloatVector bias0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector sA0a = bias0, sA0b = FloatVector.zero(F), sA0c = FloatVector.zero(F), sA0d = FloatVector.zero(F);
            for (int i = 0; i < 8; i++) {
                // four values a step: bytes 0..3 of word i
                long wo = 64L * i;
                int k = 64 * i;
                IntVector wA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN);
                FloatVector uA = (FloatVector) wA.and(0xFF).convert(VectorOperators.I2F, 0);
                sA0a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k), ByteOrder.LITTLE_ENDIAN), sA0a);
                uA = (FloatVector) wA.and(0xFF00).convert(VectorOperators.I2F, 0);
                sA0b = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 16), ByteOrder.LITTLE_ENDIAN), sA0b);
                uA = (FloatVector) wA.and(0xFF0000).convert(VectorOperators.I2F, 0);
                sA0c = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 32), ByteOrder.LITTLE_ENDIAN), sA0c);
                uA = (FloatVector) wA.lanewise(VectorOperators.LSHR, 24).convert(VectorOperators.I2F, 0);
                sA0d = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 48), ByteOrder.LITTLE_ENDIAN), sA0d);
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + DX), ByteOrder.LITTLE_ENDIAN);
            accA0 = sA0a.add(sA0b).add(sA0c.add(sA0d)).fma(dwA.mul(dx0), accA0);
        }
        accA0.intoArray(lanes, 0);
        out[o] = reduce(lanes, 0);
    }

    private static void singleWide2(MemorySegment w, long rowA, int ng, MemorySegment x, int x0, int x1,
                              float[] lanes, float[] out, int o, int stride) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q8_GROUP;
            int g0 = x0 + g * GF, g1 = x1 + g * GF;
            FloatVector bias0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector sA0a = bias0, sA0b = FloatVector.zero(F), sA0c = FloatVector.zero(F), sA0d = FloatVector.zero(F), sA1a = bias1, sA1b = FloatVector.zero(F), sA1c = FloatVector.zero(F), sA1d = FloatVector.zero(F);
            for (int i = 0; i < 8; i++) {
                // four values a step: bytes 0..3 of word i
                long wo = 64L * i;
                int k = 64 * i;
                IntVector wA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN);
                FloatVector uA = (FloatVector) wA.and(0xFF).convert(VectorOperators.I2F, 0);
                sA0a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k), ByteOrder.LITTLE_ENDIAN), sA0a);
                sA1a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g1 + k), ByteOrder.LITTLE_ENDIAN), sA1a);
                uA = (FloatVector) wA.and(0xFF00).convert(VectorOperators.I2F, 0);
                sA0b = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 16), ByteOrder.LITTLE_ENDIAN), sA0b);
                sA1b = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 16), ByteOrder.LITTLE_ENDIAN), sA1b);
                uA = (FloatVector) wA.and(0xFF0000).convert(VectorOperators.I2F, 0);
                sA0c = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 32), ByteOrder.LITTLE_ENDIAN), sA0c);
                sA1c = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 32), ByteOrder.LITTLE_ENDIAN), sA1c);
                uA = (FloatVector) wA.lanewise(VectorOperators.LSHR, 24).convert(VectorOperators.I2F, 0);
                sA0d = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 48), ByteOrder.LITTLE_ENDIAN), sA0d);
                sA1d = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 48), ByteOrder.LITTLE_ENDIAN), sA1d);
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + DX), ByteOrder.LITTLE_ENDIAN);
            accA0 = sA0a.add(sA0b).add(sA0c.add(sA0d)).fma(dwA.mul(dx0), accA0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + DX), ByteOrder.LITTLE_ENDIAN);
            accA1 = sA1a.add(sA1b).add(sA1c.add(sA1d)).fma(dwA.mul(dx1), accA1);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
    }

    private static void singleWide3(MemorySegment w, long rowA, int ng, MemorySegment x, int x0, int x1, int x2,
                              float[] lanes, float[] out, int o, int stride) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F), accA2 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q8_GROUP;
            int g0 = x0 + g * GF, g1 = x1 + g * GF, g2 = x2 + g * GF;
            FloatVector bias0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias2 = FloatVector.fromMemorySegment(F, x, 4L * (g2 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector sA0a = bias0, sA0b = FloatVector.zero(F), sA1a = bias1, sA1b = FloatVector.zero(F), sA2a = bias2, sA2b = FloatVector.zero(F);
            for (int i = 0; i < 8; i++) {
                // four values a step: bytes 0..3 of word i
                long wo = 64L * i;
                int k = 64 * i;
                IntVector wA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN);
                FloatVector uA = (FloatVector) wA.and(0xFF).convert(VectorOperators.I2F, 0);
                sA0a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k), ByteOrder.LITTLE_ENDIAN), sA0a);
                sA1a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g1 + k), ByteOrder.LITTLE_ENDIAN), sA1a);
                sA2a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g2 + k), ByteOrder.LITTLE_ENDIAN), sA2a);
                uA = (FloatVector) wA.and(0xFF00).convert(VectorOperators.I2F, 0);
                sA0b = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 16), ByteOrder.LITTLE_ENDIAN), sA0b);
                sA1b = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 16), ByteOrder.LITTLE_ENDIAN), sA1b);
                sA2b = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g2 + k + 16), ByteOrder.LITTLE_ENDIAN), sA2b);
                uA = (FloatVector) wA.and(0xFF0000).convert(VectorOperators.I2F, 0);
                sA0a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 32), ByteOrder.LITTLE_ENDIAN), sA0a);
                sA1a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 32), ByteOrder.LITTLE_ENDIAN), sA1a);
                sA2a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g2 + k + 32), ByteOrder.LITTLE_ENDIAN), sA2a);
                uA = (FloatVector) wA.lanewise(VectorOperators.LSHR, 24).convert(VectorOperators.I2F, 0);
                sA0b = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 48), ByteOrder.LITTLE_ENDIAN), sA0b);
                sA1b = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 48), ByteOrder.LITTLE_ENDIAN), sA1b);
                sA2b = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g2 + k + 48), ByteOrder.LITTLE_ENDIAN), sA2b);
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + DX), ByteOrder.LITTLE_ENDIAN);
            accA0 = sA0a.add(sA0b).fma(dwA.mul(dx0), accA0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + DX), ByteOrder.LITTLE_ENDIAN);
            accA1 = sA1a.add(sA1b).fma(dwA.mul(dx1), accA1);
            FloatVector dx2 = FloatVector.fromMemorySegment(F, x, 4L * (g2 + DX), ByteOrder.LITTLE_ENDIAN);
            accA2 = sA2a.add(sA2b).fma(dwA.mul(dx2), accA2);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        accA2.intoArray(lanes, 32);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
        out[o + 2 * stride] = reduce(lanes, 32);
    }

    private static void pairNarrow3(MemorySegment w, long rowA, long rowC, int ng, MemorySegment x, int x0, int x1, int x2,
                              float[] lanes, float[] out, int o, int stride, int dr) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F), accA2 = FloatVector.zero(F), accC0 = FloatVector.zero(F), accC1 = FloatVector.zero(F), accC2 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q8_GROUP;
            long bC = rowC + (long) g * Q8_GROUP;
            int g0 = x0 + g * GF, g1 = x1 + g * GF, g2 = x2 + g * GF;
            FloatVector bias0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias2 = FloatVector.fromMemorySegment(F, x, 4L * (g2 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector sA0a = bias0, sA1a = bias1, sA2a = bias2, sC0a = bias0, sC1a = bias1, sC2a = bias2;
            for (int i = 0; i < 16; i++) {
                // two values a step (see PackedInputs): bytes 2h, 2h + 1 of word i / 2 (h = i % 2)
                long wo = 64L * (i >> 1);
                int pre = 16 * (i & 1), k = 32 * i;
                IntVector wA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN).lanewise(VectorOperators.LSHR, pre);
                IntVector wC = IntVector.fromMemorySegment(I, w, bC + wo, ByteOrder.LITTLE_ENDIAN).lanewise(VectorOperators.LSHR, pre);
                FloatVector uA = (FloatVector) wA.and(0xFF).convert(VectorOperators.I2F, 0);
                FloatVector uC = (FloatVector) wC.and(0xFF).convert(VectorOperators.I2F, 0);
                FloatVector v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k), ByteOrder.LITTLE_ENDIAN);
                sA0a = uA.fma(v, sA0a); sC0a = uC.fma(v, sC0a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g1 + k), ByteOrder.LITTLE_ENDIAN);
                sA1a = uA.fma(v, sA1a); sC1a = uC.fma(v, sC1a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g2 + k), ByteOrder.LITTLE_ENDIAN);
                sA2a = uA.fma(v, sA2a); sC2a = uC.fma(v, sC2a);
                uA = (FloatVector) wA.and(0xFF00).convert(VectorOperators.I2F, 0);
                uC = (FloatVector) wC.and(0xFF00).convert(VectorOperators.I2F, 0);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA0a = uA.fma(v, sA0a); sC0a = uC.fma(v, sC0a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA1a = uA.fma(v, sA1a); sC1a = uC.fma(v, sC1a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g2 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA2a = uA.fma(v, sA2a); sC2a = uC.fma(v, sC2a);
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector hC = (IntVector) ShortVector.fromMemorySegment(H, w, bC + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magC = hC.and(0x7FFF), bitsC = magC.lanewise(VectorOperators.LSHL, 13);
            IntVector signC = hC.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwC = bitsC.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signC)
                    .blend(bitsC.or(0x7F800000).or(signC), magC.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + DX), ByteOrder.LITTLE_ENDIAN);
            accA0 = sA0a.fma(dwA.mul(dx0), accA0);
            accC0 = sC0a.fma(dwC.mul(dx0), accC0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + DX), ByteOrder.LITTLE_ENDIAN);
            accA1 = sA1a.fma(dwA.mul(dx1), accA1);
            accC1 = sC1a.fma(dwC.mul(dx1), accC1);
            FloatVector dx2 = FloatVector.fromMemorySegment(F, x, 4L * (g2 + DX), ByteOrder.LITTLE_ENDIAN);
            accA2 = sA2a.fma(dwA.mul(dx2), accA2);
            accC2 = sC2a.fma(dwC.mul(dx2), accC2);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        accA2.intoArray(lanes, 32);
        accC0.intoArray(lanes, 80);
        accC1.intoArray(lanes, 96);
        accC2.intoArray(lanes, 112);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
        out[o + 2 * stride] = reduce(lanes, 32);
        out[o + dr] = reduce(lanes, 80);
        out[o + 1 * stride + dr] = reduce(lanes, 96);
        out[o + 2 * stride + dr] = reduce(lanes, 112);
    }

    private static void pairNarrow4(MemorySegment w, long rowA, long rowC, int ng, MemorySegment x, int x0, int x1, int x2, int x3,
                              float[] lanes, float[] out, int o, int stride, int dr) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F), accA2 = FloatVector.zero(F), accA3 = FloatVector.zero(F), accC0 = FloatVector.zero(F), accC1 = FloatVector.zero(F), accC2 = FloatVector.zero(F), accC3 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q8_GROUP;
            long bC = rowC + (long) g * Q8_GROUP;
            int g0 = x0 + g * GF, g1 = x1 + g * GF, g2 = x2 + g * GF, g3 = x3 + g * GF;
            FloatVector bias0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias2 = FloatVector.fromMemorySegment(F, x, 4L * (g2 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias3 = FloatVector.fromMemorySegment(F, x, 4L * (g3 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector sA0a = bias0, sA1a = bias1, sA2a = bias2, sA3a = bias3, sC0a = bias0, sC1a = bias1, sC2a = bias2, sC3a = bias3;
            for (int i = 0; i < 16; i++) {
                // two values a step (see PackedInputs): bytes 2h, 2h + 1 of word i / 2 (h = i % 2)
                long wo = 64L * (i >> 1);
                int pre = 16 * (i & 1), k = 32 * i;
                IntVector wA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN).lanewise(VectorOperators.LSHR, pre);
                IntVector wC = IntVector.fromMemorySegment(I, w, bC + wo, ByteOrder.LITTLE_ENDIAN).lanewise(VectorOperators.LSHR, pre);
                FloatVector uA = (FloatVector) wA.and(0xFF).convert(VectorOperators.I2F, 0);
                FloatVector uC = (FloatVector) wC.and(0xFF).convert(VectorOperators.I2F, 0);
                FloatVector v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k), ByteOrder.LITTLE_ENDIAN);
                sA0a = uA.fma(v, sA0a); sC0a = uC.fma(v, sC0a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g1 + k), ByteOrder.LITTLE_ENDIAN);
                sA1a = uA.fma(v, sA1a); sC1a = uC.fma(v, sC1a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g2 + k), ByteOrder.LITTLE_ENDIAN);
                sA2a = uA.fma(v, sA2a); sC2a = uC.fma(v, sC2a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g3 + k), ByteOrder.LITTLE_ENDIAN);
                sA3a = uA.fma(v, sA3a); sC3a = uC.fma(v, sC3a);
                uA = (FloatVector) wA.and(0xFF00).convert(VectorOperators.I2F, 0);
                uC = (FloatVector) wC.and(0xFF00).convert(VectorOperators.I2F, 0);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA0a = uA.fma(v, sA0a); sC0a = uC.fma(v, sC0a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA1a = uA.fma(v, sA1a); sC1a = uC.fma(v, sC1a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g2 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA2a = uA.fma(v, sA2a); sC2a = uC.fma(v, sC2a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g3 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA3a = uA.fma(v, sA3a); sC3a = uC.fma(v, sC3a);
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector hC = (IntVector) ShortVector.fromMemorySegment(H, w, bC + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magC = hC.and(0x7FFF), bitsC = magC.lanewise(VectorOperators.LSHL, 13);
            IntVector signC = hC.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwC = bitsC.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signC)
                    .blend(bitsC.or(0x7F800000).or(signC), magC.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + DX), ByteOrder.LITTLE_ENDIAN);
            accA0 = sA0a.fma(dwA.mul(dx0), accA0);
            accC0 = sC0a.fma(dwC.mul(dx0), accC0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + DX), ByteOrder.LITTLE_ENDIAN);
            accA1 = sA1a.fma(dwA.mul(dx1), accA1);
            accC1 = sC1a.fma(dwC.mul(dx1), accC1);
            FloatVector dx2 = FloatVector.fromMemorySegment(F, x, 4L * (g2 + DX), ByteOrder.LITTLE_ENDIAN);
            accA2 = sA2a.fma(dwA.mul(dx2), accA2);
            accC2 = sC2a.fma(dwC.mul(dx2), accC2);
            FloatVector dx3 = FloatVector.fromMemorySegment(F, x, 4L * (g3 + DX), ByteOrder.LITTLE_ENDIAN);
            accA3 = sA3a.fma(dwA.mul(dx3), accA3);
            accC3 = sC3a.fma(dwC.mul(dx3), accC3);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        accA2.intoArray(lanes, 32);
        accA3.intoArray(lanes, 48);
        accC0.intoArray(lanes, 80);
        accC1.intoArray(lanes, 96);
        accC2.intoArray(lanes, 112);
        accC3.intoArray(lanes, 128);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
        out[o + 2 * stride] = reduce(lanes, 32);
        out[o + 3 * stride] = reduce(lanes, 48);
        out[o + dr] = reduce(lanes, 80);
        out[o + 1 * stride + dr] = reduce(lanes, 96);
        out[o + 2 * stride + dr] = reduce(lanes, 112);
        out[o + 3 * stride + dr] = reduce(lanes, 128);
    }

    private static void pairNarrow5(MemorySegment w, long rowA, long rowC, int ng, MemorySegment x, int x0, int x1, int x2, int x3, int x4,
                              float[] lanes, float[] out, int o, int stride, int dr) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F), accA2 = FloatVector.zero(F), accA3 = FloatVector.zero(F), accA4 = FloatVector.zero(F), accC0 = FloatVector.zero(F), accC1 = FloatVector.zero(F), accC2 = FloatVector.zero(F), accC3 = FloatVector.zero(F), accC4 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q8_GROUP;
            long bC = rowC + (long) g * Q8_GROUP;
            int g0 = x0 + g * GF, g1 = x1 + g * GF, g2 = x2 + g * GF, g3 = x3 + g * GF, g4 = x4 + g * GF;
            FloatVector bias0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias2 = FloatVector.fromMemorySegment(F, x, 4L * (g2 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias3 = FloatVector.fromMemorySegment(F, x, 4L * (g3 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias4 = FloatVector.fromMemorySegment(F, x, 4L * (g4 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector sA0a = bias0, sA1a = bias1, sA2a = bias2, sA3a = bias3, sA4a = bias4, sC0a = bias0, sC1a = bias1, sC2a = bias2, sC3a = bias3, sC4a = bias4;
            for (int i = 0; i < 16; i++) {
                // two values a step (see PackedInputs): bytes 2h, 2h + 1 of word i / 2 (h = i % 2)
                long wo = 64L * (i >> 1);
                int pre = 16 * (i & 1), k = 32 * i;
                IntVector wA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN).lanewise(VectorOperators.LSHR, pre);
                IntVector wC = IntVector.fromMemorySegment(I, w, bC + wo, ByteOrder.LITTLE_ENDIAN).lanewise(VectorOperators.LSHR, pre);
                FloatVector uA = (FloatVector) wA.and(0xFF).convert(VectorOperators.I2F, 0);
                FloatVector uC = (FloatVector) wC.and(0xFF).convert(VectorOperators.I2F, 0);
                FloatVector v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k), ByteOrder.LITTLE_ENDIAN);
                sA0a = uA.fma(v, sA0a); sC0a = uC.fma(v, sC0a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g1 + k), ByteOrder.LITTLE_ENDIAN);
                sA1a = uA.fma(v, sA1a); sC1a = uC.fma(v, sC1a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g2 + k), ByteOrder.LITTLE_ENDIAN);
                sA2a = uA.fma(v, sA2a); sC2a = uC.fma(v, sC2a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g3 + k), ByteOrder.LITTLE_ENDIAN);
                sA3a = uA.fma(v, sA3a); sC3a = uC.fma(v, sC3a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g4 + k), ByteOrder.LITTLE_ENDIAN);
                sA4a = uA.fma(v, sA4a); sC4a = uC.fma(v, sC4a);
                uA = (FloatVector) wA.and(0xFF00).convert(VectorOperators.I2F, 0);
                uC = (FloatVector) wC.and(0xFF00).convert(VectorOperators.I2F, 0);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA0a = uA.fma(v, sA0a); sC0a = uC.fma(v, sC0a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA1a = uA.fma(v, sA1a); sC1a = uC.fma(v, sC1a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g2 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA2a = uA.fma(v, sA2a); sC2a = uC.fma(v, sC2a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g3 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA3a = uA.fma(v, sA3a); sC3a = uC.fma(v, sC3a);
                v = FloatVector.fromMemorySegment(F, x, 4L * (g4 + k + 16), ByteOrder.LITTLE_ENDIAN);
                sA4a = uA.fma(v, sA4a); sC4a = uC.fma(v, sC4a);
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector hC = (IntVector) ShortVector.fromMemorySegment(H, w, bC + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magC = hC.and(0x7FFF), bitsC = magC.lanewise(VectorOperators.LSHL, 13);
            IntVector signC = hC.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwC = bitsC.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signC)
                    .blend(bitsC.or(0x7F800000).or(signC), magC.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + DX), ByteOrder.LITTLE_ENDIAN);
            accA0 = sA0a.fma(dwA.mul(dx0), accA0);
            accC0 = sC0a.fma(dwC.mul(dx0), accC0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + DX), ByteOrder.LITTLE_ENDIAN);
            accA1 = sA1a.fma(dwA.mul(dx1), accA1);
            accC1 = sC1a.fma(dwC.mul(dx1), accC1);
            FloatVector dx2 = FloatVector.fromMemorySegment(F, x, 4L * (g2 + DX), ByteOrder.LITTLE_ENDIAN);
            accA2 = sA2a.fma(dwA.mul(dx2), accA2);
            accC2 = sC2a.fma(dwC.mul(dx2), accC2);
            FloatVector dx3 = FloatVector.fromMemorySegment(F, x, 4L * (g3 + DX), ByteOrder.LITTLE_ENDIAN);
            accA3 = sA3a.fma(dwA.mul(dx3), accA3);
            accC3 = sC3a.fma(dwC.mul(dx3), accC3);
            FloatVector dx4 = FloatVector.fromMemorySegment(F, x, 4L * (g4 + DX), ByteOrder.LITTLE_ENDIAN);
            accA4 = sA4a.fma(dwA.mul(dx4), accA4);
            accC4 = sC4a.fma(dwC.mul(dx4), accC4);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        accA2.intoArray(lanes, 32);
        accA3.intoArray(lanes, 48);
        accA4.intoArray(lanes, 64);
        accC0.intoArray(lanes, 80);
        accC1.intoArray(lanes, 96);
        accC2.intoArray(lanes, 112);
        accC3.intoArray(lanes, 128);
        accC4.intoArray(lanes, 144);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
        out[o + 2 * stride] = reduce(lanes, 32);
        out[o + 3 * stride] = reduce(lanes, 48);
        out[o + 4 * stride] = reduce(lanes, 64);
        out[o + dr] = reduce(lanes, 80);
        out[o + 1 * stride + dr] = reduce(lanes, 96);
        out[o + 2 * stride + dr] = reduce(lanes, 112);
        out[o + 3 * stride + dr] = reduce(lanes, 128);
        out[o + 4 * stride + dr] = reduce(lanes, 144);
    }

    private static void singleNarrow3(MemorySegment w, long rowA, int ng, MemorySegment x, int x0, int x1, int x2,
                              float[] lanes, float[] out, int o, int stride) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F), accA2 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q8_GROUP;
            int g0 = x0 + g * GF, g1 = x1 + g * GF, g2 = x2 + g * GF;
            FloatVector bias0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias2 = FloatVector.fromMemorySegment(F, x, 4L * (g2 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector sA0a = bias0, sA0b = FloatVector.zero(F), sA1a = bias1, sA1b = FloatVector.zero(F), sA2a = bias2, sA2b = FloatVector.zero(F);
            for (int i = 0; i < 16; i++) {
                // two values a step (see PackedInputs): bytes 2h, 2h + 1 of word i / 2 (h = i % 2)
                long wo = 64L * (i >> 1);
                int pre = 16 * (i & 1), k = 32 * i;
                IntVector wA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN).lanewise(VectorOperators.LSHR, pre);
                FloatVector uA = (FloatVector) wA.and(0xFF).convert(VectorOperators.I2F, 0);
                sA0a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k), ByteOrder.LITTLE_ENDIAN), sA0a);
                sA1a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g1 + k), ByteOrder.LITTLE_ENDIAN), sA1a);
                sA2a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g2 + k), ByteOrder.LITTLE_ENDIAN), sA2a);
                uA = (FloatVector) wA.and(0xFF00).convert(VectorOperators.I2F, 0);
                sA0b = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 16), ByteOrder.LITTLE_ENDIAN), sA0b);
                sA1b = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 16), ByteOrder.LITTLE_ENDIAN), sA1b);
                sA2b = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g2 + k + 16), ByteOrder.LITTLE_ENDIAN), sA2b);
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + DX), ByteOrder.LITTLE_ENDIAN);
            accA0 = sA0a.add(sA0b).fma(dwA.mul(dx0), accA0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + DX), ByteOrder.LITTLE_ENDIAN);
            accA1 = sA1a.add(sA1b).fma(dwA.mul(dx1), accA1);
            FloatVector dx2 = FloatVector.fromMemorySegment(F, x, 4L * (g2 + DX), ByteOrder.LITTLE_ENDIAN);
            accA2 = sA2a.add(sA2b).fma(dwA.mul(dx2), accA2);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        accA2.intoArray(lanes, 32);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
        out[o + 2 * stride] = reduce(lanes, 32);
    }

    private static void singleNarrow4(MemorySegment w, long rowA, int ng, MemorySegment x, int x0, int x1, int x2, int x3,
                              float[] lanes, float[] out, int o, int stride) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F), accA2 = FloatVector.zero(F), accA3 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q8_GROUP;
            int g0 = x0 + g * GF, g1 = x1 + g * GF, g2 = x2 + g * GF, g3 = x3 + g * GF;
            FloatVector bias0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias2 = FloatVector.fromMemorySegment(F, x, 4L * (g2 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias3 = FloatVector.fromMemorySegment(F, x, 4L * (g3 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector sA0a = bias0, sA0b = FloatVector.zero(F), sA1a = bias1, sA1b = FloatVector.zero(F), sA2a = bias2, sA2b = FloatVector.zero(F), sA3a = bias3, sA3b = FloatVector.zero(F);
            for (int i = 0; i < 16; i++) {
                // two values a step (see PackedInputs): bytes 2h, 2h + 1 of word i / 2 (h = i % 2)
                long wo = 64L * (i >> 1);
                int pre = 16 * (i & 1), k = 32 * i;
                IntVector wA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN).lanewise(VectorOperators.LSHR, pre);
                FloatVector uA = (FloatVector) wA.and(0xFF).convert(VectorOperators.I2F, 0);
                sA0a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k), ByteOrder.LITTLE_ENDIAN), sA0a);
                sA1a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g1 + k), ByteOrder.LITTLE_ENDIAN), sA1a);
                sA2a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g2 + k), ByteOrder.LITTLE_ENDIAN), sA2a);
                sA3a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g3 + k), ByteOrder.LITTLE_ENDIAN), sA3a);
                uA = (FloatVector) wA.and(0xFF00).convert(VectorOperators.I2F, 0);
                sA0b = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 16), ByteOrder.LITTLE_ENDIAN), sA0b);
                sA1b = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 16), ByteOrder.LITTLE_ENDIAN), sA1b);
                sA2b = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g2 + k + 16), ByteOrder.LITTLE_ENDIAN), sA2b);
                sA3b = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g3 + k + 16), ByteOrder.LITTLE_ENDIAN), sA3b);
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + DX), ByteOrder.LITTLE_ENDIAN);
            accA0 = sA0a.add(sA0b).fma(dwA.mul(dx0), accA0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + DX), ByteOrder.LITTLE_ENDIAN);
            accA1 = sA1a.add(sA1b).fma(dwA.mul(dx1), accA1);
            FloatVector dx2 = FloatVector.fromMemorySegment(F, x, 4L * (g2 + DX), ByteOrder.LITTLE_ENDIAN);
            accA2 = sA2a.add(sA2b).fma(dwA.mul(dx2), accA2);
            FloatVector dx3 = FloatVector.fromMemorySegment(F, x, 4L * (g3 + DX), ByteOrder.LITTLE_ENDIAN);
            accA3 = sA3a.add(sA3b).fma(dwA.mul(dx3), accA3);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        accA2.intoArray(lanes, 32);
        accA3.intoArray(lanes, 48);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
        out[o + 2 * stride] = reduce(lanes, 32);
        out[o + 3 * stride] = reduce(lanes, 48);
    }

    private static void singleNarrow5(MemorySegment w, long rowA, int ng, MemorySegment x, int x0, int x1, int x2, int x3, int x4,
                              float[] lanes, float[] out, int o, int stride) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F), accA2 = FloatVector.zero(F), accA3 = FloatVector.zero(F), accA4 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q8_GROUP;
            int g0 = x0 + g * GF, g1 = x1 + g * GF, g2 = x2 + g * GF, g3 = x3 + g * GF, g4 = x4 + g * GF;
            FloatVector bias0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias2 = FloatVector.fromMemorySegment(F, x, 4L * (g2 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias3 = FloatVector.fromMemorySegment(F, x, 4L * (g3 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector bias4 = FloatVector.fromMemorySegment(F, x, 4L * (g4 + BIAS), ByteOrder.LITTLE_ENDIAN);
            FloatVector sA0a = bias0, sA1a = bias1, sA2a = bias2, sA3a = bias3, sA4a = bias4;
            for (int i = 0; i < 16; i++) {
                // two values a step (see PackedInputs): bytes 2h, 2h + 1 of word i / 2 (h = i % 2)
                long wo = 64L * (i >> 1);
                int pre = 16 * (i & 1), k = 32 * i;
                IntVector wA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN).lanewise(VectorOperators.LSHR, pre);
                FloatVector uA = (FloatVector) wA.and(0xFF).convert(VectorOperators.I2F, 0);
                sA0a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k), ByteOrder.LITTLE_ENDIAN), sA0a);
                sA1a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g1 + k), ByteOrder.LITTLE_ENDIAN), sA1a);
                sA2a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g2 + k), ByteOrder.LITTLE_ENDIAN), sA2a);
                sA3a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g3 + k), ByteOrder.LITTLE_ENDIAN), sA3a);
                sA4a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g4 + k), ByteOrder.LITTLE_ENDIAN), sA4a);
                uA = (FloatVector) wA.and(0xFF00).convert(VectorOperators.I2F, 0);
                sA0a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g0 + k + 16), ByteOrder.LITTLE_ENDIAN), sA0a);
                sA1a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g1 + k + 16), ByteOrder.LITTLE_ENDIAN), sA1a);
                sA2a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g2 + k + 16), ByteOrder.LITTLE_ENDIAN), sA2a);
                sA3a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g3 + k + 16), ByteOrder.LITTLE_ENDIAN), sA3a);
                sA4a = uA.fma(FloatVector.fromMemorySegment(F, x, 4L * (g4 + k + 16), ByteOrder.LITTLE_ENDIAN), sA4a);
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 512, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, 4L * (g0 + DX), ByteOrder.LITTLE_ENDIAN);
            accA0 = sA0a.fma(dwA.mul(dx0), accA0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, 4L * (g1 + DX), ByteOrder.LITTLE_ENDIAN);
            accA1 = sA1a.fma(dwA.mul(dx1), accA1);
            FloatVector dx2 = FloatVector.fromMemorySegment(F, x, 4L * (g2 + DX), ByteOrder.LITTLE_ENDIAN);
            accA2 = sA2a.fma(dwA.mul(dx2), accA2);
            FloatVector dx3 = FloatVector.fromMemorySegment(F, x, 4L * (g3 + DX), ByteOrder.LITTLE_ENDIAN);
            accA3 = sA3a.fma(dwA.mul(dx3), accA3);
            FloatVector dx4 = FloatVector.fromMemorySegment(F, x, 4L * (g4 + DX), ByteOrder.LITTLE_ENDIAN);
            accA4 = sA4a.fma(dwA.mul(dx4), accA4);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        accA2.intoArray(lanes, 32);
        accA3.intoArray(lanes, 48);
        accA4.intoArray(lanes, 64);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
        out[o + 2 * stride] = reduce(lanes, 32);
        out[o + 3 * stride] = reduce(lanes, 48);
        out[o + 4 * stride] = reduce(lanes, 64);
    }

    private static void pairQ4_1(MemorySegment w, long rowA, long rowC, int ng, MemorySegment x, int x0,
                              float[] lanes, float[] out, int o, int stride, int dr) {
        FloatVector accA0 = FloatVector.zero(F), accC0 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q4_GROUP;
            long bC = rowC + (long) g * Q4_GROUP;
            long g0 = 4L * (x0 + g * GF4);
            ShortVector sA0 = ShortVector.zero(S), sC0 = ShortVector.zero(S);
            for (int k = 0; k < 16; k++) {
                // nibbles 4 (k % 4) of word k / 4 and of its upper half: two 16-bit lanes per block
                long wo = 64L * (k >> 2), xo = 64L * k;
                int sh = 4 * (k & 3);
                ShortVector uA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN)
                        .lanewise(VectorOperators.LSHR, sh).and(0x000F000F).reinterpretAsShorts();
                ShortVector uC = IntVector.fromMemorySegment(I, w, bC + wo, ByteOrder.LITTLE_ENDIAN)
                        .lanewise(VectorOperators.LSHR, sh).and(0x000F000F).reinterpretAsShorts();
                ShortVector v = ShortVector.fromMemorySegment(S, x, g0 + xo, ByteOrder.LITTLE_ENDIAN);
                sA0 = sA0.add(uA.mul(v)); sC0 = sC0.add(uC.mul(v));
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 256, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector hC = (IntVector) ShortVector.fromMemorySegment(H, w, bC + 256, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magC = hC.and(0x7FFF), bitsC = magC.lanewise(VectorOperators.LSHL, 13);
            IntVector signC = hC.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwC = bitsC.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signC)
                    .blend(bitsC.or(0x7F800000).or(signC), magC.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, g0 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias0 = IntVector.fromMemorySegment(I, x, g0 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA0 = sA0.reinterpretAsInts();
            iA0 = iA0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA0.lanewise(VectorOperators.ASHR, 16)).add(bias0);
            accA0 = ((FloatVector) iA0.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx0), accA0);
            IntVector iC0 = sC0.reinterpretAsInts();
            iC0 = iC0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iC0.lanewise(VectorOperators.ASHR, 16)).add(bias0);
            accC0 = ((FloatVector) iC0.convert(VectorOperators.I2F, 0)).fma(dwC.mul(dx0), accC0);
        }
        accA0.intoArray(lanes, 0);
        accC0.intoArray(lanes, 80);
        out[o] = reduce(lanes, 0);
        out[o + dr] = reduce(lanes, 80);
    }

    private static void pairQ4_2(MemorySegment w, long rowA, long rowC, int ng, MemorySegment x, int x0, int x1,
                              float[] lanes, float[] out, int o, int stride, int dr) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F), accC0 = FloatVector.zero(F), accC1 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q4_GROUP;
            long bC = rowC + (long) g * Q4_GROUP;
            long g0 = 4L * (x0 + g * GF4), g1 = 4L * (x1 + g * GF4);
            ShortVector sA0 = ShortVector.zero(S), sA1 = ShortVector.zero(S), sC0 = ShortVector.zero(S), sC1 = ShortVector.zero(S);
            for (int k = 0; k < 16; k++) {
                // nibbles 4 (k % 4) of word k / 4 and of its upper half: two 16-bit lanes per block
                long wo = 64L * (k >> 2), xo = 64L * k;
                int sh = 4 * (k & 3);
                ShortVector uA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN)
                        .lanewise(VectorOperators.LSHR, sh).and(0x000F000F).reinterpretAsShorts();
                ShortVector uC = IntVector.fromMemorySegment(I, w, bC + wo, ByteOrder.LITTLE_ENDIAN)
                        .lanewise(VectorOperators.LSHR, sh).and(0x000F000F).reinterpretAsShorts();
                ShortVector v = ShortVector.fromMemorySegment(S, x, g0 + xo, ByteOrder.LITTLE_ENDIAN);
                sA0 = sA0.add(uA.mul(v)); sC0 = sC0.add(uC.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g1 + xo, ByteOrder.LITTLE_ENDIAN);
                sA1 = sA1.add(uA.mul(v)); sC1 = sC1.add(uC.mul(v));
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 256, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector hC = (IntVector) ShortVector.fromMemorySegment(H, w, bC + 256, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magC = hC.and(0x7FFF), bitsC = magC.lanewise(VectorOperators.LSHL, 13);
            IntVector signC = hC.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwC = bitsC.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signC)
                    .blend(bitsC.or(0x7F800000).or(signC), magC.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, g0 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias0 = IntVector.fromMemorySegment(I, x, g0 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA0 = sA0.reinterpretAsInts();
            iA0 = iA0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA0.lanewise(VectorOperators.ASHR, 16)).add(bias0);
            accA0 = ((FloatVector) iA0.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx0), accA0);
            IntVector iC0 = sC0.reinterpretAsInts();
            iC0 = iC0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iC0.lanewise(VectorOperators.ASHR, 16)).add(bias0);
            accC0 = ((FloatVector) iC0.convert(VectorOperators.I2F, 0)).fma(dwC.mul(dx0), accC0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, g1 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias1 = IntVector.fromMemorySegment(I, x, g1 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA1 = sA1.reinterpretAsInts();
            iA1 = iA1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA1.lanewise(VectorOperators.ASHR, 16)).add(bias1);
            accA1 = ((FloatVector) iA1.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx1), accA1);
            IntVector iC1 = sC1.reinterpretAsInts();
            iC1 = iC1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iC1.lanewise(VectorOperators.ASHR, 16)).add(bias1);
            accC1 = ((FloatVector) iC1.convert(VectorOperators.I2F, 0)).fma(dwC.mul(dx1), accC1);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        accC0.intoArray(lanes, 80);
        accC1.intoArray(lanes, 96);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
        out[o + dr] = reduce(lanes, 80);
        out[o + 1 * stride + dr] = reduce(lanes, 96);
    }

    private static void pairQ4_3(MemorySegment w, long rowA, long rowC, int ng, MemorySegment x, int x0, int x1, int x2,
                              float[] lanes, float[] out, int o, int stride, int dr) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F), accA2 = FloatVector.zero(F), accC0 = FloatVector.zero(F), accC1 = FloatVector.zero(F), accC2 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q4_GROUP;
            long bC = rowC + (long) g * Q4_GROUP;
            long g0 = 4L * (x0 + g * GF4), g1 = 4L * (x1 + g * GF4), g2 = 4L * (x2 + g * GF4);
            ShortVector sA0 = ShortVector.zero(S), sA1 = ShortVector.zero(S), sA2 = ShortVector.zero(S), sC0 = ShortVector.zero(S), sC1 = ShortVector.zero(S), sC2 = ShortVector.zero(S);
            for (int k = 0; k < 16; k++) {
                // nibbles 4 (k % 4) of word k / 4 and of its upper half: two 16-bit lanes per block
                long wo = 64L * (k >> 2), xo = 64L * k;
                int sh = 4 * (k & 3);
                ShortVector uA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN)
                        .lanewise(VectorOperators.LSHR, sh).and(0x000F000F).reinterpretAsShorts();
                ShortVector uC = IntVector.fromMemorySegment(I, w, bC + wo, ByteOrder.LITTLE_ENDIAN)
                        .lanewise(VectorOperators.LSHR, sh).and(0x000F000F).reinterpretAsShorts();
                ShortVector v = ShortVector.fromMemorySegment(S, x, g0 + xo, ByteOrder.LITTLE_ENDIAN);
                sA0 = sA0.add(uA.mul(v)); sC0 = sC0.add(uC.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g1 + xo, ByteOrder.LITTLE_ENDIAN);
                sA1 = sA1.add(uA.mul(v)); sC1 = sC1.add(uC.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g2 + xo, ByteOrder.LITTLE_ENDIAN);
                sA2 = sA2.add(uA.mul(v)); sC2 = sC2.add(uC.mul(v));
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 256, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector hC = (IntVector) ShortVector.fromMemorySegment(H, w, bC + 256, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magC = hC.and(0x7FFF), bitsC = magC.lanewise(VectorOperators.LSHL, 13);
            IntVector signC = hC.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwC = bitsC.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signC)
                    .blend(bitsC.or(0x7F800000).or(signC), magC.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, g0 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias0 = IntVector.fromMemorySegment(I, x, g0 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA0 = sA0.reinterpretAsInts();
            iA0 = iA0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA0.lanewise(VectorOperators.ASHR, 16)).add(bias0);
            accA0 = ((FloatVector) iA0.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx0), accA0);
            IntVector iC0 = sC0.reinterpretAsInts();
            iC0 = iC0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iC0.lanewise(VectorOperators.ASHR, 16)).add(bias0);
            accC0 = ((FloatVector) iC0.convert(VectorOperators.I2F, 0)).fma(dwC.mul(dx0), accC0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, g1 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias1 = IntVector.fromMemorySegment(I, x, g1 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA1 = sA1.reinterpretAsInts();
            iA1 = iA1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA1.lanewise(VectorOperators.ASHR, 16)).add(bias1);
            accA1 = ((FloatVector) iA1.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx1), accA1);
            IntVector iC1 = sC1.reinterpretAsInts();
            iC1 = iC1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iC1.lanewise(VectorOperators.ASHR, 16)).add(bias1);
            accC1 = ((FloatVector) iC1.convert(VectorOperators.I2F, 0)).fma(dwC.mul(dx1), accC1);
            FloatVector dx2 = FloatVector.fromMemorySegment(F, x, g2 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias2 = IntVector.fromMemorySegment(I, x, g2 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA2 = sA2.reinterpretAsInts();
            iA2 = iA2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA2.lanewise(VectorOperators.ASHR, 16)).add(bias2);
            accA2 = ((FloatVector) iA2.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx2), accA2);
            IntVector iC2 = sC2.reinterpretAsInts();
            iC2 = iC2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iC2.lanewise(VectorOperators.ASHR, 16)).add(bias2);
            accC2 = ((FloatVector) iC2.convert(VectorOperators.I2F, 0)).fma(dwC.mul(dx2), accC2);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        accA2.intoArray(lanes, 32);
        accC0.intoArray(lanes, 80);
        accC1.intoArray(lanes, 96);
        accC2.intoArray(lanes, 112);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
        out[o + 2 * stride] = reduce(lanes, 32);
        out[o + dr] = reduce(lanes, 80);
        out[o + 1 * stride + dr] = reduce(lanes, 96);
        out[o + 2 * stride + dr] = reduce(lanes, 112);
    }

    private static void pairQ4_4(MemorySegment w, long rowA, long rowC, int ng, MemorySegment x, int x0, int x1, int x2, int x3,
                              float[] lanes, float[] out, int o, int stride, int dr) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F), accA2 = FloatVector.zero(F), accA3 = FloatVector.zero(F), accC0 = FloatVector.zero(F), accC1 = FloatVector.zero(F), accC2 = FloatVector.zero(F), accC3 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q4_GROUP;
            long bC = rowC + (long) g * Q4_GROUP;
            long g0 = 4L * (x0 + g * GF4), g1 = 4L * (x1 + g * GF4), g2 = 4L * (x2 + g * GF4), g3 = 4L * (x3 + g * GF4);
            ShortVector sA0 = ShortVector.zero(S), sA1 = ShortVector.zero(S), sA2 = ShortVector.zero(S), sA3 = ShortVector.zero(S), sC0 = ShortVector.zero(S), sC1 = ShortVector.zero(S), sC2 = ShortVector.zero(S), sC3 = ShortVector.zero(S);
            for (int k = 0; k < 16; k++) {
                // nibbles 4 (k % 4) of word k / 4 and of its upper half: two 16-bit lanes per block
                long wo = 64L * (k >> 2), xo = 64L * k;
                int sh = 4 * (k & 3);
                ShortVector uA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN)
                        .lanewise(VectorOperators.LSHR, sh).and(0x000F000F).reinterpretAsShorts();
                ShortVector uC = IntVector.fromMemorySegment(I, w, bC + wo, ByteOrder.LITTLE_ENDIAN)
                        .lanewise(VectorOperators.LSHR, sh).and(0x000F000F).reinterpretAsShorts();
                ShortVector v = ShortVector.fromMemorySegment(S, x, g0 + xo, ByteOrder.LITTLE_ENDIAN);
                sA0 = sA0.add(uA.mul(v)); sC0 = sC0.add(uC.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g1 + xo, ByteOrder.LITTLE_ENDIAN);
                sA1 = sA1.add(uA.mul(v)); sC1 = sC1.add(uC.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g2 + xo, ByteOrder.LITTLE_ENDIAN);
                sA2 = sA2.add(uA.mul(v)); sC2 = sC2.add(uC.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g3 + xo, ByteOrder.LITTLE_ENDIAN);
                sA3 = sA3.add(uA.mul(v)); sC3 = sC3.add(uC.mul(v));
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 256, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector hC = (IntVector) ShortVector.fromMemorySegment(H, w, bC + 256, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magC = hC.and(0x7FFF), bitsC = magC.lanewise(VectorOperators.LSHL, 13);
            IntVector signC = hC.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwC = bitsC.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signC)
                    .blend(bitsC.or(0x7F800000).or(signC), magC.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, g0 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias0 = IntVector.fromMemorySegment(I, x, g0 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA0 = sA0.reinterpretAsInts();
            iA0 = iA0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA0.lanewise(VectorOperators.ASHR, 16)).add(bias0);
            accA0 = ((FloatVector) iA0.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx0), accA0);
            IntVector iC0 = sC0.reinterpretAsInts();
            iC0 = iC0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iC0.lanewise(VectorOperators.ASHR, 16)).add(bias0);
            accC0 = ((FloatVector) iC0.convert(VectorOperators.I2F, 0)).fma(dwC.mul(dx0), accC0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, g1 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias1 = IntVector.fromMemorySegment(I, x, g1 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA1 = sA1.reinterpretAsInts();
            iA1 = iA1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA1.lanewise(VectorOperators.ASHR, 16)).add(bias1);
            accA1 = ((FloatVector) iA1.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx1), accA1);
            IntVector iC1 = sC1.reinterpretAsInts();
            iC1 = iC1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iC1.lanewise(VectorOperators.ASHR, 16)).add(bias1);
            accC1 = ((FloatVector) iC1.convert(VectorOperators.I2F, 0)).fma(dwC.mul(dx1), accC1);
            FloatVector dx2 = FloatVector.fromMemorySegment(F, x, g2 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias2 = IntVector.fromMemorySegment(I, x, g2 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA2 = sA2.reinterpretAsInts();
            iA2 = iA2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA2.lanewise(VectorOperators.ASHR, 16)).add(bias2);
            accA2 = ((FloatVector) iA2.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx2), accA2);
            IntVector iC2 = sC2.reinterpretAsInts();
            iC2 = iC2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iC2.lanewise(VectorOperators.ASHR, 16)).add(bias2);
            accC2 = ((FloatVector) iC2.convert(VectorOperators.I2F, 0)).fma(dwC.mul(dx2), accC2);
            FloatVector dx3 = FloatVector.fromMemorySegment(F, x, g3 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias3 = IntVector.fromMemorySegment(I, x, g3 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA3 = sA3.reinterpretAsInts();
            iA3 = iA3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA3.lanewise(VectorOperators.ASHR, 16)).add(bias3);
            accA3 = ((FloatVector) iA3.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx3), accA3);
            IntVector iC3 = sC3.reinterpretAsInts();
            iC3 = iC3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iC3.lanewise(VectorOperators.ASHR, 16)).add(bias3);
            accC3 = ((FloatVector) iC3.convert(VectorOperators.I2F, 0)).fma(dwC.mul(dx3), accC3);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        accA2.intoArray(lanes, 32);
        accA3.intoArray(lanes, 48);
        accC0.intoArray(lanes, 80);
        accC1.intoArray(lanes, 96);
        accC2.intoArray(lanes, 112);
        accC3.intoArray(lanes, 128);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
        out[o + 2 * stride] = reduce(lanes, 32);
        out[o + 3 * stride] = reduce(lanes, 48);
        out[o + dr] = reduce(lanes, 80);
        out[o + 1 * stride + dr] = reduce(lanes, 96);
        out[o + 2 * stride + dr] = reduce(lanes, 112);
        out[o + 3 * stride + dr] = reduce(lanes, 128);
    }

    private static void pairQ4_5(MemorySegment w, long rowA, long rowC, int ng, MemorySegment x, int x0, int x1, int x2, int x3, int x4,
                              float[] lanes, float[] out, int o, int stride, int dr) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F), accA2 = FloatVector.zero(F), accA3 = FloatVector.zero(F), accA4 = FloatVector.zero(F), accC0 = FloatVector.zero(F), accC1 = FloatVector.zero(F), accC2 = FloatVector.zero(F), accC3 = FloatVector.zero(F), accC4 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q4_GROUP;
            long bC = rowC + (long) g * Q4_GROUP;
            long g0 = 4L * (x0 + g * GF4), g1 = 4L * (x1 + g * GF4), g2 = 4L * (x2 + g * GF4), g3 = 4L * (x3 + g * GF4), g4 = 4L * (x4 + g * GF4);
            ShortVector sA0 = ShortVector.zero(S), sA1 = ShortVector.zero(S), sA2 = ShortVector.zero(S), sA3 = ShortVector.zero(S), sA4 = ShortVector.zero(S), sC0 = ShortVector.zero(S), sC1 = ShortVector.zero(S), sC2 = ShortVector.zero(S), sC3 = ShortVector.zero(S), sC4 = ShortVector.zero(S);
            for (int k = 0; k < 16; k++) {
                // nibbles 4 (k % 4) of word k / 4 and of its upper half: two 16-bit lanes per block
                long wo = 64L * (k >> 2), xo = 64L * k;
                int sh = 4 * (k & 3);
                ShortVector uA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN)
                        .lanewise(VectorOperators.LSHR, sh).and(0x000F000F).reinterpretAsShorts();
                ShortVector uC = IntVector.fromMemorySegment(I, w, bC + wo, ByteOrder.LITTLE_ENDIAN)
                        .lanewise(VectorOperators.LSHR, sh).and(0x000F000F).reinterpretAsShorts();
                ShortVector v = ShortVector.fromMemorySegment(S, x, g0 + xo, ByteOrder.LITTLE_ENDIAN);
                sA0 = sA0.add(uA.mul(v)); sC0 = sC0.add(uC.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g1 + xo, ByteOrder.LITTLE_ENDIAN);
                sA1 = sA1.add(uA.mul(v)); sC1 = sC1.add(uC.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g2 + xo, ByteOrder.LITTLE_ENDIAN);
                sA2 = sA2.add(uA.mul(v)); sC2 = sC2.add(uC.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g3 + xo, ByteOrder.LITTLE_ENDIAN);
                sA3 = sA3.add(uA.mul(v)); sC3 = sC3.add(uC.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g4 + xo, ByteOrder.LITTLE_ENDIAN);
                sA4 = sA4.add(uA.mul(v)); sC4 = sC4.add(uC.mul(v));
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 256, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            IntVector hC = (IntVector) ShortVector.fromMemorySegment(H, w, bC + 256, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magC = hC.and(0x7FFF), bitsC = magC.lanewise(VectorOperators.LSHL, 13);
            IntVector signC = hC.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwC = bitsC.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signC)
                    .blend(bitsC.or(0x7F800000).or(signC), magC.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, g0 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias0 = IntVector.fromMemorySegment(I, x, g0 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA0 = sA0.reinterpretAsInts();
            iA0 = iA0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA0.lanewise(VectorOperators.ASHR, 16)).add(bias0);
            accA0 = ((FloatVector) iA0.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx0), accA0);
            IntVector iC0 = sC0.reinterpretAsInts();
            iC0 = iC0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iC0.lanewise(VectorOperators.ASHR, 16)).add(bias0);
            accC0 = ((FloatVector) iC0.convert(VectorOperators.I2F, 0)).fma(dwC.mul(dx0), accC0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, g1 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias1 = IntVector.fromMemorySegment(I, x, g1 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA1 = sA1.reinterpretAsInts();
            iA1 = iA1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA1.lanewise(VectorOperators.ASHR, 16)).add(bias1);
            accA1 = ((FloatVector) iA1.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx1), accA1);
            IntVector iC1 = sC1.reinterpretAsInts();
            iC1 = iC1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iC1.lanewise(VectorOperators.ASHR, 16)).add(bias1);
            accC1 = ((FloatVector) iC1.convert(VectorOperators.I2F, 0)).fma(dwC.mul(dx1), accC1);
            FloatVector dx2 = FloatVector.fromMemorySegment(F, x, g2 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias2 = IntVector.fromMemorySegment(I, x, g2 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA2 = sA2.reinterpretAsInts();
            iA2 = iA2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA2.lanewise(VectorOperators.ASHR, 16)).add(bias2);
            accA2 = ((FloatVector) iA2.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx2), accA2);
            IntVector iC2 = sC2.reinterpretAsInts();
            iC2 = iC2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iC2.lanewise(VectorOperators.ASHR, 16)).add(bias2);
            accC2 = ((FloatVector) iC2.convert(VectorOperators.I2F, 0)).fma(dwC.mul(dx2), accC2);
            FloatVector dx3 = FloatVector.fromMemorySegment(F, x, g3 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias3 = IntVector.fromMemorySegment(I, x, g3 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA3 = sA3.reinterpretAsInts();
            iA3 = iA3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA3.lanewise(VectorOperators.ASHR, 16)).add(bias3);
            accA3 = ((FloatVector) iA3.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx3), accA3);
            IntVector iC3 = sC3.reinterpretAsInts();
            iC3 = iC3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iC3.lanewise(VectorOperators.ASHR, 16)).add(bias3);
            accC3 = ((FloatVector) iC3.convert(VectorOperators.I2F, 0)).fma(dwC.mul(dx3), accC3);
            FloatVector dx4 = FloatVector.fromMemorySegment(F, x, g4 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias4 = IntVector.fromMemorySegment(I, x, g4 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA4 = sA4.reinterpretAsInts();
            iA4 = iA4.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA4.lanewise(VectorOperators.ASHR, 16)).add(bias4);
            accA4 = ((FloatVector) iA4.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx4), accA4);
            IntVector iC4 = sC4.reinterpretAsInts();
            iC4 = iC4.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iC4.lanewise(VectorOperators.ASHR, 16)).add(bias4);
            accC4 = ((FloatVector) iC4.convert(VectorOperators.I2F, 0)).fma(dwC.mul(dx4), accC4);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        accA2.intoArray(lanes, 32);
        accA3.intoArray(lanes, 48);
        accA4.intoArray(lanes, 64);
        accC0.intoArray(lanes, 80);
        accC1.intoArray(lanes, 96);
        accC2.intoArray(lanes, 112);
        accC3.intoArray(lanes, 128);
        accC4.intoArray(lanes, 144);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
        out[o + 2 * stride] = reduce(lanes, 32);
        out[o + 3 * stride] = reduce(lanes, 48);
        out[o + 4 * stride] = reduce(lanes, 64);
        out[o + dr] = reduce(lanes, 80);
        out[o + 1 * stride + dr] = reduce(lanes, 96);
        out[o + 2 * stride + dr] = reduce(lanes, 112);
        out[o + 3 * stride + dr] = reduce(lanes, 128);
        out[o + 4 * stride + dr] = reduce(lanes, 144);
    }

    private static void singleQ4_1(MemorySegment w, long rowA, int ng, MemorySegment x, int x0,
                              float[] lanes, float[] out, int o, int stride) {
        FloatVector accA0 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q4_GROUP;
            long g0 = 4L * (x0 + g * GF4);
            ShortVector sA0 = ShortVector.zero(S);
            for (int k = 0; k < 16; k++) {
                // nibbles 4 (k % 4) of word k / 4 and of its upper half: two 16-bit lanes per block
                long wo = 64L * (k >> 2), xo = 64L * k;
                int sh = 4 * (k & 3);
                ShortVector uA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN)
                        .lanewise(VectorOperators.LSHR, sh).and(0x000F000F).reinterpretAsShorts();
                ShortVector v = ShortVector.fromMemorySegment(S, x, g0 + xo, ByteOrder.LITTLE_ENDIAN);
                sA0 = sA0.add(uA.mul(v));
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 256, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, g0 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias0 = IntVector.fromMemorySegment(I, x, g0 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA0 = sA0.reinterpretAsInts();
            iA0 = iA0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA0.lanewise(VectorOperators.ASHR, 16)).add(bias0);
            accA0 = ((FloatVector) iA0.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx0), accA0);
        }
        accA0.intoArray(lanes, 0);
        out[o] = reduce(lanes, 0);
    }

    private static void singleQ4_2(MemorySegment w, long rowA, int ng, MemorySegment x, int x0, int x1,
                              float[] lanes, float[] out, int o, int stride) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q4_GROUP;
            long g0 = 4L * (x0 + g * GF4), g1 = 4L * (x1 + g * GF4);
            ShortVector sA0 = ShortVector.zero(S), sA1 = ShortVector.zero(S);
            for (int k = 0; k < 16; k++) {
                // nibbles 4 (k % 4) of word k / 4 and of its upper half: two 16-bit lanes per block
                long wo = 64L * (k >> 2), xo = 64L * k;
                int sh = 4 * (k & 3);
                ShortVector uA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN)
                        .lanewise(VectorOperators.LSHR, sh).and(0x000F000F).reinterpretAsShorts();
                ShortVector v = ShortVector.fromMemorySegment(S, x, g0 + xo, ByteOrder.LITTLE_ENDIAN);
                sA0 = sA0.add(uA.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g1 + xo, ByteOrder.LITTLE_ENDIAN);
                sA1 = sA1.add(uA.mul(v));
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 256, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, g0 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias0 = IntVector.fromMemorySegment(I, x, g0 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA0 = sA0.reinterpretAsInts();
            iA0 = iA0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA0.lanewise(VectorOperators.ASHR, 16)).add(bias0);
            accA0 = ((FloatVector) iA0.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx0), accA0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, g1 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias1 = IntVector.fromMemorySegment(I, x, g1 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA1 = sA1.reinterpretAsInts();
            iA1 = iA1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA1.lanewise(VectorOperators.ASHR, 16)).add(bias1);
            accA1 = ((FloatVector) iA1.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx1), accA1);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
    }

    private static void singleQ4_3(MemorySegment w, long rowA, int ng, MemorySegment x, int x0, int x1, int x2,
                              float[] lanes, float[] out, int o, int stride) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F), accA2 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q4_GROUP;
            long g0 = 4L * (x0 + g * GF4), g1 = 4L * (x1 + g * GF4), g2 = 4L * (x2 + g * GF4);
            ShortVector sA0 = ShortVector.zero(S), sA1 = ShortVector.zero(S), sA2 = ShortVector.zero(S);
            for (int k = 0; k < 16; k++) {
                // nibbles 4 (k % 4) of word k / 4 and of its upper half: two 16-bit lanes per block
                long wo = 64L * (k >> 2), xo = 64L * k;
                int sh = 4 * (k & 3);
                ShortVector uA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN)
                        .lanewise(VectorOperators.LSHR, sh).and(0x000F000F).reinterpretAsShorts();
                ShortVector v = ShortVector.fromMemorySegment(S, x, g0 + xo, ByteOrder.LITTLE_ENDIAN);
                sA0 = sA0.add(uA.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g1 + xo, ByteOrder.LITTLE_ENDIAN);
                sA1 = sA1.add(uA.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g2 + xo, ByteOrder.LITTLE_ENDIAN);
                sA2 = sA2.add(uA.mul(v));
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 256, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, g0 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias0 = IntVector.fromMemorySegment(I, x, g0 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA0 = sA0.reinterpretAsInts();
            iA0 = iA0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA0.lanewise(VectorOperators.ASHR, 16)).add(bias0);
            accA0 = ((FloatVector) iA0.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx0), accA0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, g1 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias1 = IntVector.fromMemorySegment(I, x, g1 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA1 = sA1.reinterpretAsInts();
            iA1 = iA1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA1.lanewise(VectorOperators.ASHR, 16)).add(bias1);
            accA1 = ((FloatVector) iA1.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx1), accA1);
            FloatVector dx2 = FloatVector.fromMemorySegment(F, x, g2 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias2 = IntVector.fromMemorySegment(I, x, g2 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA2 = sA2.reinterpretAsInts();
            iA2 = iA2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA2.lanewise(VectorOperators.ASHR, 16)).add(bias2);
            accA2 = ((FloatVector) iA2.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx2), accA2);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        accA2.intoArray(lanes, 32);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
        out[o + 2 * stride] = reduce(lanes, 32);
    }

    private static void singleQ4_4(MemorySegment w, long rowA, int ng, MemorySegment x, int x0, int x1, int x2, int x3,
                              float[] lanes, float[] out, int o, int stride) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F), accA2 = FloatVector.zero(F), accA3 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q4_GROUP;
            long g0 = 4L * (x0 + g * GF4), g1 = 4L * (x1 + g * GF4), g2 = 4L * (x2 + g * GF4), g3 = 4L * (x3 + g * GF4);
            ShortVector sA0 = ShortVector.zero(S), sA1 = ShortVector.zero(S), sA2 = ShortVector.zero(S), sA3 = ShortVector.zero(S);
            for (int k = 0; k < 16; k++) {
                // nibbles 4 (k % 4) of word k / 4 and of its upper half: two 16-bit lanes per block
                long wo = 64L * (k >> 2), xo = 64L * k;
                int sh = 4 * (k & 3);
                ShortVector uA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN)
                        .lanewise(VectorOperators.LSHR, sh).and(0x000F000F).reinterpretAsShorts();
                ShortVector v = ShortVector.fromMemorySegment(S, x, g0 + xo, ByteOrder.LITTLE_ENDIAN);
                sA0 = sA0.add(uA.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g1 + xo, ByteOrder.LITTLE_ENDIAN);
                sA1 = sA1.add(uA.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g2 + xo, ByteOrder.LITTLE_ENDIAN);
                sA2 = sA2.add(uA.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g3 + xo, ByteOrder.LITTLE_ENDIAN);
                sA3 = sA3.add(uA.mul(v));
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 256, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, g0 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias0 = IntVector.fromMemorySegment(I, x, g0 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA0 = sA0.reinterpretAsInts();
            iA0 = iA0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA0.lanewise(VectorOperators.ASHR, 16)).add(bias0);
            accA0 = ((FloatVector) iA0.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx0), accA0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, g1 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias1 = IntVector.fromMemorySegment(I, x, g1 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA1 = sA1.reinterpretAsInts();
            iA1 = iA1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA1.lanewise(VectorOperators.ASHR, 16)).add(bias1);
            accA1 = ((FloatVector) iA1.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx1), accA1);
            FloatVector dx2 = FloatVector.fromMemorySegment(F, x, g2 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias2 = IntVector.fromMemorySegment(I, x, g2 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA2 = sA2.reinterpretAsInts();
            iA2 = iA2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA2.lanewise(VectorOperators.ASHR, 16)).add(bias2);
            accA2 = ((FloatVector) iA2.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx2), accA2);
            FloatVector dx3 = FloatVector.fromMemorySegment(F, x, g3 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias3 = IntVector.fromMemorySegment(I, x, g3 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA3 = sA3.reinterpretAsInts();
            iA3 = iA3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA3.lanewise(VectorOperators.ASHR, 16)).add(bias3);
            accA3 = ((FloatVector) iA3.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx3), accA3);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        accA2.intoArray(lanes, 32);
        accA3.intoArray(lanes, 48);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
        out[o + 2 * stride] = reduce(lanes, 32);
        out[o + 3 * stride] = reduce(lanes, 48);
    }

    private static void singleQ4_5(MemorySegment w, long rowA, int ng, MemorySegment x, int x0, int x1, int x2, int x3, int x4,
                              float[] lanes, float[] out, int o, int stride) {
        FloatVector accA0 = FloatVector.zero(F), accA1 = FloatVector.zero(F), accA2 = FloatVector.zero(F), accA3 = FloatVector.zero(F), accA4 = FloatVector.zero(F);
        for (int g = 0; g < ng; g++) {
            long bA = rowA + (long) g * Q4_GROUP;
            long g0 = 4L * (x0 + g * GF4), g1 = 4L * (x1 + g * GF4), g2 = 4L * (x2 + g * GF4), g3 = 4L * (x3 + g * GF4), g4 = 4L * (x4 + g * GF4);
            ShortVector sA0 = ShortVector.zero(S), sA1 = ShortVector.zero(S), sA2 = ShortVector.zero(S), sA3 = ShortVector.zero(S), sA4 = ShortVector.zero(S);
            for (int k = 0; k < 16; k++) {
                // nibbles 4 (k % 4) of word k / 4 and of its upper half: two 16-bit lanes per block
                long wo = 64L * (k >> 2), xo = 64L * k;
                int sh = 4 * (k & 3);
                ShortVector uA = IntVector.fromMemorySegment(I, w, bA + wo, ByteOrder.LITTLE_ENDIAN)
                        .lanewise(VectorOperators.LSHR, sh).and(0x000F000F).reinterpretAsShorts();
                ShortVector v = ShortVector.fromMemorySegment(S, x, g0 + xo, ByteOrder.LITTLE_ENDIAN);
                sA0 = sA0.add(uA.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g1 + xo, ByteOrder.LITTLE_ENDIAN);
                sA1 = sA1.add(uA.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g2 + xo, ByteOrder.LITTLE_ENDIAN);
                sA2 = sA2.add(uA.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g3 + xo, ByteOrder.LITTLE_ENDIAN);
                sA3 = sA3.add(uA.mul(v));
                v = ShortVector.fromMemorySegment(S, x, g4 + xo, ByteOrder.LITTLE_ENDIAN);
                sA4 = sA4.add(uA.mul(v));
            }
            IntVector hA = (IntVector) ShortVector.fromMemorySegment(H, w, bA + 256, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magA = hA.and(0x7FFF), bitsA = magA.lanewise(VectorOperators.LSHL, 13);
            IntVector signA = hA.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector dwA = bitsA.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(signA)
                    .blend(bitsA.or(0x7F800000).or(signA), magA.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats();
            FloatVector dx0 = FloatVector.fromMemorySegment(F, x, g0 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias0 = IntVector.fromMemorySegment(I, x, g0 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA0 = sA0.reinterpretAsInts();
            iA0 = iA0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA0.lanewise(VectorOperators.ASHR, 16)).add(bias0);
            accA0 = ((FloatVector) iA0.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx0), accA0);
            FloatVector dx1 = FloatVector.fromMemorySegment(F, x, g1 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias1 = IntVector.fromMemorySegment(I, x, g1 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA1 = sA1.reinterpretAsInts();
            iA1 = iA1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA1.lanewise(VectorOperators.ASHR, 16)).add(bias1);
            accA1 = ((FloatVector) iA1.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx1), accA1);
            FloatVector dx2 = FloatVector.fromMemorySegment(F, x, g2 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias2 = IntVector.fromMemorySegment(I, x, g2 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA2 = sA2.reinterpretAsInts();
            iA2 = iA2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA2.lanewise(VectorOperators.ASHR, 16)).add(bias2);
            accA2 = ((FloatVector) iA2.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx2), accA2);
            FloatVector dx3 = FloatVector.fromMemorySegment(F, x, g3 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias3 = IntVector.fromMemorySegment(I, x, g3 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA3 = sA3.reinterpretAsInts();
            iA3 = iA3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA3.lanewise(VectorOperators.ASHR, 16)).add(bias3);
            accA3 = ((FloatVector) iA3.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx3), accA3);
            FloatVector dx4 = FloatVector.fromMemorySegment(F, x, g4 + 4 * DX4, ByteOrder.LITTLE_ENDIAN);
            IntVector bias4 = IntVector.fromMemorySegment(I, x, g4 + 4 * BIAS4, ByteOrder.LITTLE_ENDIAN);
            IntVector iA4 = sA4.reinterpretAsInts();
            iA4 = iA4.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(iA4.lanewise(VectorOperators.ASHR, 16)).add(bias4);
            accA4 = ((FloatVector) iA4.convert(VectorOperators.I2F, 0)).fma(dwA.mul(dx4), accA4);
        }
        accA0.intoArray(lanes, 0);
        accA1.intoArray(lanes, 16);
        accA2.intoArray(lanes, 32);
        accA3.intoArray(lanes, 48);
        accA4.intoArray(lanes, 64);
        out[o] = reduce(lanes, 0);
        out[o + 1 * stride] = reduce(lanes, 16);
        out[o + 2 * stride] = reduce(lanes, 32);
        out[o + 3 * stride] = reduce(lanes, 48);
        out[o + 4 * stride] = reduce(lanes, 64);
    }

    // ---- end of generated kernels ----
}
