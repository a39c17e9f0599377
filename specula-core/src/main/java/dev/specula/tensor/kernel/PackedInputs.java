package dev.specula.tensor.kernel;

import dev.specula.tensor.ffi.Q8Activations;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The inputs of a {@link PackedRows} product: rounded to Q8_0 blocks exactly as {@link Q8Activations} rounds
 * them (the same bytes q and scales d), then laid out as floats to meet the repacked weights lane for lane.
 * Input t starts at {@code t * stride()}:
 * <ul>
 * <li>for Q8_0, per group of 16 blocks, {@value #GROUP_FLOATS} floats: [16 p, 16 p + 16) for p < 32: lane l
 *     holds value p of block P(l) = 4 (l % 4) + l / 4, times the power of two that undoes the weight's place in
 *     its 32-bit lane (see {@link PackedRows}); [512, 528): d per lane; [528, 544): the bias -128 sum(q) per
 *     lane;</li>
 * <li>for Q4_0, per group {@value #Q4_GROUP_FLOATS} floats' room: bytes [64 k, 64 k + 64) for k < 16: int32
 *     lane l holds, as two int16, the input values that meet {@code (w >>> 4 (k % 4)) & 0x000F000F}, w being
 *     word k / 4 of block P(l) (low half: a nibble of byte 0 or 1, high half: of byte 2 or 3; see
 *     {@link PackedRows}); bytes [1024, 1088): d per lane as floats; [1088, 1152): -8 sum(q) per lane as int32;</li>
 * <li>per pair of the blocks after the last group, {@value #PAIR_FLOATS} floats, as the native pair kernel
 *     reads them: [16 k, 16 k + 16) for k < 4: lane i holds value 4 (i % 8) + k of the pair's first block
 *     (i < 8) or second, scaled likewise; [64, 80): d; [80, 96): -sum(q) (Q4_0) or -16 sum(q) (Q8_0), the
 *     block's bias spread over its 8 lanes. A lone last block leaves lanes 8..15 zero.</li>
 * </ul>
 * The scale of a Q8_0 group's place p depends on how many values a step of {@link PackedRows}' float kernels
 * extracts from a weight register: four (the wide kernels, batches up to {@value #WIDE_MAX_BATCH}: byte p % 4 at
 * bits 8 (p % 4), but byte 3 shifted down) or two (the narrow ones, 3 to {@value PackedRows#MAX_T} inputs a
 * group, whose unrolled bodies must stay small enough for C1: byte p % 2 of a half-word).
 *
 * <p>The floats live off-heap, 64-byte aligned, so that every 16-float load is one cache line (a float[]'s
 * elements start 16 bytes into the object: each load would straddle two lines). The buffer is reused and grows
 * only when a product needs more room; a product writes it once (per value, a float of a buffer row per input
 * and block, assembled on the heap first).
 */
final class PackedInputs {
    static final int GROUP_FLOATS = 34 * 16;
    /** Q4_0 inputs per group, in floats' room: 16 x 32 int16 values, then dx and the bias (int32) per lane. */
    static final int Q4_GROUP_FLOATS = 18 * 16;
    static final int PAIR_FLOATS = 6 * 16;
    /** Adding then subtracting 1.5 * 2^23 rounds a float below 2^22 to the nearest integer, ties to even. */
    private static final float ROUND = 12582912f;

    /** Per place p of a Q8_0 group: the scale of value p, for the wide and the narrow kernels. */
    private static final float[] SCALE_WIDE = new float[32], SCALE_NARROW = new float[32];
    private static final float[] Q4_TAIL = {1f, 0x1p-8f, 0x1p-16f, 0x1p-24f}, Q8_TAIL = {1f, 0x1p-8f, 0x1p-16f, 1f};
    /** Batches above this many inputs run on the narrow kernels (groups of 3 to {@value PackedRows#MAX_T}). */
    static final int WIDE_MAX_BATCH = 3;

    /** Q4_0: the values in the low and high 16 bits of step k's lanes (nibbles 4 (k % 4) of word k / 4 and of its upper half). */
    private static final int[] Q4_LOW = new int[16], Q4_HIGH = new int[16];

    static {
        for (int k = 0; k < 16; k++) {
            int j = k / 4, s = k % 4, n = s % 2, lo = s / 2, hi = 2 + s / 2;
            Q4_LOW[k] = n == 0 ? 4 * j + lo : 16 + 4 * j + lo;
            Q4_HIGH[k] = n == 0 ? 4 * j + hi : 16 + 4 * j + hi;
        }
        for (int p = 0; p < 32; p++) {
            // wide: step p / 4 reads word p / 4; byte e = p % 4 at bits 8e (an AND) but byte 3, shifted down (at
            // bits 24 it would be negative)
            int e = p % 4;
            SCALE_WIDE[p] = e < 3 ? Math.scalb(1f, -8 * e) : 1f;
            // narrow: step p / 2 reads bytes 2h, 2h + 1 of word p / 4 (h = p / 2 % 2), shifted down 16h: bits 8 (p % 2)
            SCALE_NARROW[p] = p % 2 == 0 ? 1f : 0x1p-8f;
        }
    }

    private MemorySegment values = MemorySegment.NULL;
    /** One input's floats, assembled here and copied out in one go. */
    private float[] row = new float[0];
    private int stride;
    private boolean narrow;
    private final float[] q = new float[32];
    /** One input's Q4_0 groups: the int16 values, the scales and the biases, before they are copied out. */
    private short[] shorts = new short[0];
    private float[] scales = new float[0];
    private int[] biases = new int[0];

    /** Lays out {@code batch} inputs of {@code cols} values (a multiple of 32) for {@code q4} (else Q8_0) weights. */
    void build(boolean q4, float[] x, int batch, int cols) {
        int nb = cols / 32, ng = nb / 16, tail = nb - 16 * ng;
        int gf = q4 ? Q4_GROUP_FLOATS : GROUP_FLOATS;
        stride = ng * gf + (tail + 1) / 2 * PAIR_FLOATS;
        if (q4 && shorts.length < 512 * ng) {
            shorts = new short[512 * ng];
            scales = new float[16 * ng];
            biases = new int[16 * ng];
        }
        long bytes = 4L * stride * batch;
        if (values.byteSize() < bytes) values = Arena.ofAuto().allocate(Math.max(bytes, 2 * values.byteSize()), 64);
        if (row.length < stride) row = new float[stride];
        float[] v = row;
        float[] qs = q;
        narrow = batch > WIDE_MAX_BATCH;
        float[] scale = narrow ? SCALE_NARROW : SCALE_WIDE, tscale = q4 ? Q4_TAIL : Q8_TAIL;
        int pairBias = q4 ? -1 : -16;
        for (int t = 0; t < batch; t++) {
            java.util.Arrays.fill(v, ng * gf, stride, 0f);
            for (int j = 0; j < nb; j++) {
                int i0 = t * cols + 32 * j;
                float amax = 0f;
                for (int k = 0; k < 32; k++) amax = Math.max(amax, Math.abs(x[i0 + k]));
                float d = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
                float id = amax != 0f ? 127f / amax : 0f;
                float sum = 0f;
                for (int k = 0; k < 32; k++) {
                    float r = x[i0 + k] * id + ROUND - ROUND;
                    qs[k] = r;
                    sum += r;
                }
                int s = (int) sum;
                if (j < 16 * ng && q4) {
                    int k = j % 16, lane = 4 * (k % 4) + k / 4, g = j / 16;
                    int base = 512 * g + 2 * lane;
                    for (int e = 0; e < 16; e++) {
                        shorts[base + 32 * e] = (short) qs[Q4_LOW[e]];
                        shorts[base + 32 * e + 1] = (short) qs[Q4_HIGH[e]];
                    }
                    scales[16 * g + lane] = d;
                    biases[16 * g + lane] = -8 * s;
                } else if (j < 16 * ng) { // Q8_0
                    int k = j % 16, lane = 4 * (k % 4) + k / 4; // P is its own inverse
                    int base = j / 16 * GROUP_FLOATS + lane;
                    for (int p = 0; p < 32; p++) v[base + 16 * p] = qs[p] * scale[p];
                    v[base + 512] = d;
                    v[base + 528] = -128 * s;
                } else {
                    int pb = j - 16 * ng, half = pb & 1;
                    int base = ng * gf + pb / 2 * PAIR_FLOATS;
                    for (int i = 0; i < 8; i++) {
                        int lane = base + 8 * half + i;
                        for (int k = 0; k < 4; k++) v[lane + 16 * k] = qs[4 * i + k] * tscale[k];
                        v[lane + 64] = d;
                        v[lane + 80] = pairBias * s;
                    }
                }
            }
            long at = 4L * t * stride;
            if (q4) {
                for (int g = 0; g < ng; g++, at += 4 * Q4_GROUP_FLOATS) {
                    MemorySegment.copy(shorts, 512 * g, values, ValueLayout.JAVA_SHORT_UNALIGNED, at, 512);
                    MemorySegment.copy(scales, 16 * g, values, ValueLayout.JAVA_FLOAT_UNALIGNED, at + 1024, 16);
                    MemorySegment.copy(biases, 16 * g, values, ValueLayout.JAVA_INT_UNALIGNED, at + 1088, 16);
                }
                MemorySegment.copy(v, ng * gf, values, ValueLayout.JAVA_FLOAT_UNALIGNED, at, stride - ng * gf);
            } else {
                MemorySegment.copy(v, 0, values, ValueLayout.JAVA_FLOAT_UNALIGNED, at, stride);
            }
        }
    }

    /** The floats, input t from float {@code t * stride()}, valid after {@link #build}. */
    MemorySegment values() {
        return values;
    }

    /** Whether the groups are laid out for the narrow kernels (two values a step), else for the wide ones (four). */
    boolean narrow() {
        return narrow;
    }

    /** Floats from one input to the next. */
    int stride() {
        return stride;
    }
}
