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
import static dev.specula.tensor.format.Q4_K.mins;
import static dev.specula.tensor.format.Q4_K.scales;
import static dev.specula.tensor.format.Q4_K.sixBits;

/**
 * Q4_K with a fifth bit: fp16 {@code d}, fp16 {@code dmin}, the same 12 bytes of 6-bit scales and mins, 32
 * bytes of high bits (bit 2g of byte l belongs to value 64g + l, bit 2g+1 to value 64g + 32 + l), then the
 * 128 bytes of low nibbles laid out as in Q4_K (176 bytes). Value {@code d·sc_j · q - dmin·m_j}.
 * The quantizer is a port of ggml's {@code quantize_row_q5_K_ref} and reproduces llama-quantize's bytes.
 */
public final class Q5_K extends KQuantFormat {
    public static final Q5_K INSTANCE = new Q5_K();
    static final int QK = 256;
    static final int BYTES = 176;

    private Q5_K() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    @Override
    public void dequantize(MemorySegment data, long index, float[] out, int outOffset, int n) {
        long block = index / QK * BYTES;
        for (int o = outOffset; o < outOffset + n; o += QK, block += BYTES) {
            float d = Lanes.half(data, block);
            float dmin = Lanes.half(data, block + 2);
            long scales = scales(data, block + 4);
            long mins = mins(data, block + 4);
            for (int g = 0; g < 4; g++) {
                float d1 = d * sixBits(scales, 2 * g);
                float d2 = d * sixBits(scales, 2 * g + 1);
                float m1 = dmin * sixBits(mins, 2 * g);
                float m2 = dmin * sixBits(mins, 2 * g + 1);
                for (int k = 0; k < 32; k += N) {
                    IntVector q = Lanes.bytes(data, block + 48 + 32 * g + k);
                    IntVector h = Lanes.bytes(data, block + 16 + k)
                            .lanewise(VectorOperators.LSHL, 4).lanewise(VectorOperators.LSHR, 2 * g);
                    IntVector q0 = q.and(0xf).or(h.and(0x10));
                    IntVector q1 = q.lanewise(VectorOperators.LSHR, 4)
                            .or(h.lanewise(VectorOperators.LSHR, 1).and(0x10));
                    Lanes.toFloat(q0).mul(d1).sub(m1).intoArray(out, o + 64 * g + k);
                    Lanes.toFloat(q1).mul(d2).sub(m2).intoArray(out, o + 64 * g + 32 + k);
                }
            }
        }
    }

    /** The dot with the sums of x per sub-block ({@link KScratch#sums}) already taken, as in Q4_K. */
    @Override
    boolean sumsPer16() {
        return false;
    }

    @Override
    float dot(MemorySegment data, long index, float[] x, int xOffset, int n, float[] sums, int sums0, float[] sc) {
        for (int p = 0; p < Lanes.LOGICAL; p += N) { // logical lanes p.. (see Lanes), into sc[16 + p..]
            FloatVector acc = FloatVector.zero(F);    // Σ d·sc_j · Σ q x
            FloatVector accMin = FloatVector.zero(F); // Σ dmin·m_j · Σ x
            long block = index / QK * BYTES;
            for (int xb = xOffset, sb = sums0; xb < xOffset + n; xb += QK, block += BYTES, sb += 16) {
                Q4_K.scalesAndMins(data, block, sc);
                accMin = FloatVector.fromArray(F, sc, p).fma(FloatVector.fromArray(F, sums, sb + p), accMin);
                for (int g = 0; g < 4; g++) {
                    FloatVector lo = FloatVector.zero(F);
                    FloatVector hi = FloatVector.zero(F);
                    int xi = xb + 64 * g;
                    for (int k = p; k < 32; k += 16) {
                        IntVector q = Lanes.bytes(data, block + 48 + 32 * g + k);
                        // bit 2g of the high-bit byte to bit 4 (low nibbles), bit 2g+1 to bit 5 (high nibbles)
                        IntVector h = Lanes.bytes(data, block + 16 + k)
                                .lanewise(VectorOperators.LSHL, 4).lanewise(VectorOperators.LSHR, 2 * g);
                        IntVector q0 = q.and(0xf).or(h.and(0x10));
                        IntVector q1 = q.lanewise(VectorOperators.LSHR, 4)
                                .or(h.lanewise(VectorOperators.LSHR, 1).and(0x10));
                        lo = Lanes.toFloat(q0).fma(FloatVector.fromArray(F, x, xi + k), lo);
                        hi = Lanes.toFloat(q1).fma(FloatVector.fromArray(F, x, xi + 32 + k), hi);
                    }
                    acc = lo.fma(FloatVector.broadcast(F, sc[2 * g]), acc);
                    acc = hi.fma(FloatVector.broadcast(F, sc[2 * g + 1]), acc);
                }
            }
            acc.sub(accMin).intoArray(sc, 16 + p); // the lanes go through memory: see LaneSum.of(float[], int)
        }
        return LaneSum.of16(sc, 16);
    }

    @Override
    boolean addsInLlamaOrder() {
        return true;
    }

    /**
     * The order of llama.cpp's x86 {@code ggml_vec_dot_q5_K_q8_K} (Q5_K is never repacked on x86): 8 integer
     * lanes, lane m holding values 32s + 4m .. 32s + 4m + 3 of every sub-block s, each times its sub-block's
     * scale, exact; per super-block {@code acc_m = fma(d·d_x, lane m, acc_m)}; the minimum term as its own
     * scalar {@code fma(-d_x·dmin, Σ m_s·Σ x, mins)}; at the end the lanes summed as ggml's {@code hsum_float_8},
     * plus the minimum term. Vector lane i of part l holds values l + i of every sub-block, summed in fours
     * after ({@link KScratch#parts}); all of it is exact in float (see {@link Q8KInputs}), a lane of llama.cpp's
     * being at most 32·63·31·127 ≈ 7.9e6, below 2^24.
     */
    @Override
    float llamaDot(MemorySegment data, long block, Q8KInputs in, int first, int blocks, boolean gemm, KScratch scratch) {
        float[] xq = in.q, lanes = scratch.parts, sums = in.sums32, sc = scratch.scales;
        float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f, minTerm = 0f;
        for (int k = 0, i = first; k < blocks; k++, i++, block += BYTES) {
            float dx = in.d[i];
            float d = dx * Lanes.half(data, block);
            float dmin = -dx * Lanes.half(data, block + 2);
            Q4_K.scalesAndMins(data, block, sc, 1f, 1f); // sc_j, then m_j, as they are
            int xo = QK * i, so = 8 * i;
            for (int l = 0; l < 32; l += N) { // values l.. of every sub-block
                IntVector h = Lanes.bytes(data, block + 16 + l).lanewise(VectorOperators.LSHL, 4);
                FloatVector lane = FloatVector.zero(F), odd = FloatVector.zero(F); // two chains, for speed
                for (int g = 0; g < 4; g++) { // sub-blocks 2g and 2g + 1
                    IntVector q = Lanes.bytes(data, block + 48 + 32 * g + l);
                    // bit 2g of the high-bit byte to bit 4 (low nibbles), bit 2g+1 to bit 4 (high nibbles)
                    IntVector q0 = q.and(0xf).or(h.lanewise(VectorOperators.LSHR, 2 * g).and(0x10));
                    IntVector q1 = q.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 2 * g + 1).and(0x10));
                    lane = Lanes.toFloat(q0).mul(sc[2 * g]).fma(FloatVector.fromArray(F, xq, xo + 64 * g + l), lane);
                    odd = Lanes.toFloat(q1).mul(sc[2 * g + 1]).fma(FloatVector.fromArray(F, xq, xo + 64 * g + 32 + l), odd);
                }
                lane.add(odd).intoArray(lanes, l);
            }
            a0 = Math.fma(d, (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]), a0);
            a1 = Math.fma(d, (lanes[4] + lanes[5]) + (lanes[6] + lanes[7]), a1);
            a2 = Math.fma(d, (lanes[8] + lanes[9]) + (lanes[10] + lanes[11]), a2);
            a3 = Math.fma(d, (lanes[12] + lanes[13]) + (lanes[14] + lanes[15]), a3);
            a4 = Math.fma(d, (lanes[16] + lanes[17]) + (lanes[18] + lanes[19]), a4);
            a5 = Math.fma(d, (lanes[20] + lanes[21]) + (lanes[22] + lanes[23]), a5);
            a6 = Math.fma(d, (lanes[24] + lanes[25]) + (lanes[26] + lanes[27]), a6);
            a7 = Math.fma(d, (lanes[28] + lanes[29]) + (lanes[30] + lanes[31]), a7);
            float sumMin = 0f; // Σ m_s·Σx_s, exact: at most 8·63·32·127 ≈ 2e6
            for (int s = 0; s < 8; s++) sumMin += sc[8 + s] * sums[so + s];
            minTerm = Math.fma(dmin, sumMin, minTerm);
        }
        return ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)) + minTerm; // ggml's hsum_float_8, then the minimums
    }

    /** llama.cpp's reference quantizer for this type ({@code quantize_row_q5_K_ref}). */
    @Override
    public void quantize(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        byte[] levels = new byte[QK];
        byte[] aux = new byte[32];
        float[] weights = new float[32];
        float[] scales = new float[8];
        float[] mins = new float[8];
        byte[] packed = new byte[12];
        long block = dstOffset;
        for (int s = srcOffset; s < srcOffset + n; s += QK, block += BYTES) {
            for (int j = 0; j < 8; j++) {
                int xo = s + 32 * j;
                float sumX2 = 0;
                for (int l = 0; l < 32; l++) sumX2 += src[xo + l] * src[xo + l];
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int l = 0; l < 32; l++) weights[l] = avX + Math.abs(src[xo + l]);
                scales[j] = KQuantizer.fitScaleMin(32, 31, src, xo, weights, levels, 32 * j, mins, j, aux,
                        -0.5f, 0.1f, 15, false);
            }
            short[] dm = KQuantizer.packScalesMins(scales, mins, packed);
            dst.set(Layouts.SHORT, block, dm[0]);
            dst.set(Layouts.SHORT, block + 2, dm[1]);
            MemorySegment.copy(packed, 0, dst, Layouts.BYTE, block + 4, 12);
            float d = Float.float16ToFloat(dm[0]);
            float dmin = Float.float16ToFloat(dm[1]);
            long sc = scales(dst, block + 4);
            long mn = mins(dst, block + 4);
            for (int j = 0; j < 8; j++) {
                float dj = d * sixBits(sc, j);
                if (dj == 0) continue;
                float mj = dmin * sixBits(mn, j);
                for (int l = 0; l < 32; l++) {
                    int q = KQuantizer.nearestInt((src[s + 32 * j + l] + mj) / dj);
                    levels[32 * j + l] = (byte) KQuantizer.clamp(q, 0, 31);
                }
            }
            for (int l = 0; l < 32; l++) {
                int high = 0;
                for (int g = 0; g < 4; g++) {
                    int q0 = levels[64 * g + l];
                    int q1 = levels[64 * g + 32 + l];
                    high |= (q0 >> 4) << (2 * g) | (q1 >> 4) << (2 * g + 1);
                    dst.set(Layouts.BYTE, block + 48 + 32 * g + l, (byte) ((q0 & 0xf) | ((q1 & 0xf) << 4)));
                }
                dst.set(Layouts.BYTE, block + 16 + l, (byte) high);
            }
        }
    }
}
