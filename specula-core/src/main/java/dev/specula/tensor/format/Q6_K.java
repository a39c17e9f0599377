package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.specula.tensor.infra.Lanes.F;
import static dev.specula.tensor.infra.Lanes.N;

/**
 * Super-blocks of 256 values {@code d · sc_j · (q - 32)} with 6-bit {@code q} in 16 sub-blocks of 16:
 * 128 bytes of low nibbles, 64 bytes of 2-bit high parts, 16 signed 8-bit scales, fp16 {@code d}
 * (210 bytes). Each half of 128 values uses 64 low bytes and 32 high bytes: value {@code l} (of 32) takes
 * the low nibble of byte l, value 32+l of byte 32+l, 64+l and 96+l their high nibbles, and bits
 * 0-1, 2-3, 4-5, 6-7 of high byte l in that order.
 * The quantizer is a port of ggml's {@code quantize_row_q6_K_ref} and reproduces llama-quantize's bytes.
 */
public final class Q6_K extends KQuantFormat {
    public static final Q6_K INSTANCE = new Q6_K();
    static final int QK = 256;
    static final int BYTES = 210;

    private Q6_K() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    public void dequantize(MemorySegment data, long index, float[] out, int outOffset, int n) {
        long block = index / QK * BYTES;
        for (int o = outOffset; o < outOffset + n; o += QK, block += BYTES) {
            float d = Lanes.half(data, block + 208);
            for (int h = 0; h < 2; h++) {
                for (int j = 0; j < 2; j++) {
                    long s = block + 192 + 8 * h + 2 * j;
                    for (int l = 0; l < 32; l += N) {
                        IntVector a = Lanes.bytes(data, block + 64 * h + 32 * j + l);
                        IntVector hb = Lanes.bytes(data, block + 128 + 32 * h + l).lanewise(VectorOperators.LSHR, 2 * j);
                        IntVector q0 = a.and(0xf).or(hb.and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
                        IntVector q1 = a.lanewise(VectorOperators.LSHR, 4).or(hb.and(0x30)).sub(32);
                        int y = o + 128 * h + 32 * j + l;
                        Lanes.toFloat(q0).mul(d * data.get(Layouts.BYTE, s + l / 16)).intoArray(out, y);
                        Lanes.toFloat(q1).mul(d * data.get(Layouts.BYTE, s + 4 + l / 16)).intoArray(out, y + 64);
                    }
                }
            }
        }
    }

    /**
     * The dot with the sums of x over each 16 values ({@link KScratch#sums16}) already taken: the offset
     * of 32 is then one multiply-add per block, {@code Σ (q - 32)·x·s = Σ q·x·s - 32 Σ s·Σx}.
     */
    @Override
    boolean sumsPer16() {
        return true;
    }

    @Override
    float dot(MemorySegment data, long index, float[] x, int xOffset, int n, float[] sums, int sums0, float[] sc) {
        for (int p = 0; p < Lanes.LOGICAL; p += N) { // logical lanes p.. (see Lanes), into sc[16 + p..]
            FloatVector acc = FloatVector.zero(F);
            FloatVector accOffset = FloatVector.zero(F);
            long block = index / QK * BYTES;
            for (int xb = xOffset, sb = sums0; xb < xOffset + n; xb += QK, block += BYTES, sb += 16) {
                // the 16 scales times d, unpacked with vectors and broadcast from memory (see KScratch)
                float d = Lanes.half(data, block + 208);
                for (int i = 0; i < 16; i += N) {
                    Lanes.toFloat(Lanes.signedBytes(data, block + 192 + i)).mul(d).intoArray(sc, i);
                }
                accOffset = FloatVector.fromArray(F, sc, p).fma(FloatVector.fromArray(F, sums, sb + p), accOffset);
                // quarters j and j + 2 of each half share their low bytes (low and high nibbles); one loop body
                // serves all four, which keeps the method small enough for C2 to inline every vector operation
                for (int h = 0; h < 2; h++) {
                    for (int j = 0; j < 2; j++) {
                        int s = 8 * h + 2 * j;
                        for (int l = p; l < 32; l += 16) {
                            IntVector a = Lanes.bytes(data, block + 64 * h + 32 * j + l);
                            IntVector hb = Lanes.bytes(data, block + 128 + 32 * h + l).lanewise(VectorOperators.LSHR, 2 * j);
                            IntVector q0 = a.and(0xf).or(hb.and(3).lanewise(VectorOperators.LSHL, 4));
                            IntVector q1 = a.lanewise(VectorOperators.LSHR, 4).or(hb.and(0x30));
                            int xi = xb + 128 * h + 32 * j + l;
                            acc = Lanes.toFloat(q0).mul(FloatVector.fromArray(F, x, xi))
                                    .fma(FloatVector.broadcast(F, sc[s + l / 16]), acc);
                            acc = Lanes.toFloat(q1).mul(FloatVector.fromArray(F, x, xi + 64))
                                    .fma(FloatVector.broadcast(F, sc[s + 4 + l / 16]), acc);
                        }
                    }
                }
            }
            acc.sub(accOffset.mul(32f)).intoArray(sc, 16 + p); // the lanes go through memory: see LaneSum.of(float[], int)
        }
        return LaneSum.of16(sc, 16);
    }

    @Override
    boolean addsInLlamaOrder() {
        return true;
    }

    /**
     * The order of llama.cpp's x86 {@code ggml_vec_dot_q6_K_q8_K} as its binary runs it (Q6_K is never repacked
     * on x86): 8 integer lanes, lane m holding {@code sc·q·x} of values 32s + 4m .. 32s + 4m + 3 of every
     * sub-block s of 32, exact, less the offset {@code 32·(sc_2m·Σx_2m + sc_2m+1·Σx_2m+1)} of the 16-value
     * blocks 2m and 2m + 1 (not the values in the lane: the binary subtracts it that way); per super-block
     * {@code acc_m = fma(d·d_x, lane m, acc_m)}; at the end ggml's {@code hsum_float_8}.
     *
     * <p>Vector lane i of part l holds values l + i of every sub-block, in float, exact (see {@link Q8KInputs}:
     * at most 8·128·63·127 ≈ 8.2e6, below 2^24); a lane of llama.cpp's, four of them, can pass 2^24, so they are
     * summed in int ({@link KScratch#parts}).
     */
    @Override
    float llamaDot(MemorySegment data, long block, Q8KInputs in, int first, int blocks, boolean gemm, KScratch scratch) {
        float[] xq = in.q, sc = scratch.scales;
        int[] bsums = in.bsums, lanes = scratch.intParts, offsets = scratch.offsets;
        float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
        for (int k = 0, i = first; k < blocks; k++, i++, block += BYTES) {
            float d = Lanes.half(data, block + 208) * in.d[i];
            int xo = QK * i, so = 16 * i;
            // the 16 scales as floats, to broadcast from memory (see KScratch), and times the input's sums per 16
            for (int j = 0; j < 16; j += N) {
                IntVector s = Lanes.signedBytes(data, block + 192 + j);
                Lanes.toFloat(s).intoArray(sc, j);
                s.mul(IntVector.fromArray(Lanes.I, bsums, so + j)).intoArray(offsets, j);
            }
            for (int l = 0; l < 32; l += N) { // values l.. of every sub-block of 32
                FloatVector lane = FloatVector.zero(F), high = FloatVector.zero(F); // two chains, for speed
                // quarters j and j + 2 of each half share their low bytes (low and high nibbles), as in dot
                for (int h = 0; h < 2; h++) {
                    for (int j = 0; j < 2; j++) {
                        int s = 8 * h + 2 * j + (l >> 4); // the scale of values l.. of sub-block 4h + j
                        IntVector a = Lanes.bytes(data, block + 64 * h + 32 * j + l);
                        IntVector hb = Lanes.bytes(data, block + 128 + 32 * h + l).lanewise(VectorOperators.LSHR, 2 * j);
                        IntVector q0 = a.and(0xf).or(hb.and(3).lanewise(VectorOperators.LSHL, 4));
                        IntVector q1 = a.lanewise(VectorOperators.LSHR, 4).or(hb.and(0x30));
                        int xi = xo + 128 * h + 32 * j + l;
                        lane = Lanes.toFloat(q0).mul(sc[s]).fma(FloatVector.fromArray(F, xq, xi), lane);
                        high = Lanes.toFloat(q1).mul(sc[s + 4]).fma(FloatVector.fromArray(F, xq, xi + 64), high);
                    }
                }
                ((IntVector) lane.add(high).convert(VectorOperators.F2I, 0)).intoArray(lanes, l);
            }
            a0 = Math.fma(d, lane(lanes, offsets, 0), a0);
            a1 = Math.fma(d, lane(lanes, offsets, 1), a1);
            a2 = Math.fma(d, lane(lanes, offsets, 2), a2);
            a3 = Math.fma(d, lane(lanes, offsets, 3), a3);
            a4 = Math.fma(d, lane(lanes, offsets, 4), a4);
            a5 = Math.fma(d, lane(lanes, offsets, 5), a5);
            a6 = Math.fma(d, lane(lanes, offsets, 6), a6);
            a7 = Math.fma(d, lane(lanes, offsets, 7), a7);
        }
        return ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)); // ggml's hsum_float_8
    }

    /** llama.cpp's lane m of a super-block, as a float: its four parts less 32·(sc_2m·Σx_2m + sc_2m+1·Σx_2m+1), in int. */
    private static float lane(int[] lanes, int[] offsets, int m) {
        return (float) (lanes[4 * m] + lanes[4 * m + 1] + lanes[4 * m + 2] + lanes[4 * m + 3]
                - 32 * (offsets[2 * m] + offsets[2 * m + 1]));
    }

    /** llama.cpp's reference quantizer for this type ({@code quantize_row_q6_K_ref}). */
    @Override
    public void quantize(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        byte[] levels = new byte[QK];
        float[] scales = new float[16];
        long block = dstOffset;
        for (int s = srcOffset; s < srcOffset + n; s += QK, block += BYTES) {
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int j = 0; j < 16; j++) {
                scales[j] = KQuantizer.fitSymmetric(16, 32, src, s + 16 * j, levels, 16 * j);
                float abs = Math.abs(scales[j]);
                if (abs > maxAbsScale) {
                    maxAbsScale = abs;
                    maxScale = scales[j];
                }
            }
            if (maxAbsScale < KQuantizer.GROUP_MAX_EPS) {
                dst.asSlice(block, BYTES).fill((byte) 0);
                continue;
            }
            float iscale = -128f / maxScale;
            short dBits = Float.floatToFloat16(1 / iscale);
            dst.set(Layouts.SHORT, block + 208, dBits);
            float d = Float.float16ToFloat(dBits);
            for (int j = 0; j < 16; j++) {
                byte scale = (byte) Math.min(127, KQuantizer.nearestInt(iscale * scales[j]));
                dst.set(Layouts.BYTE, block + 192 + j, scale);
                float dj = d * scale;
                if (dj == 0) continue;
                for (int l = 0; l < 16; l++) {
                    int q = KQuantizer.nearestInt(src[s + 16 * j + l] / dj);
                    levels[16 * j + l] = (byte) (KQuantizer.clamp(q, -32, 31) + 32);
                }
            }
            for (int h = 0; h < 2; h++) {
                for (int l = 0; l < 32; l++) {
                    int q1 = levels[128 * h + l];
                    int q2 = levels[128 * h + 32 + l];
                    int q3 = levels[128 * h + 64 + l];
                    int q4 = levels[128 * h + 96 + l];
                    dst.set(Layouts.BYTE, block + 64 * h + l, (byte) ((q1 & 0xf) | ((q3 & 0xf) << 4)));
                    dst.set(Layouts.BYTE, block + 64 * h + 32 + l, (byte) ((q2 & 0xf) | ((q4 & 0xf) << 4)));
                    dst.set(Layouts.BYTE, block + 128 + 32 * h + l,
                            (byte) ((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6)));
                }
            }
        }
    }
}
