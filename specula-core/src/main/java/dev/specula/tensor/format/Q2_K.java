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
 * Super-blocks of 256 values {@code d·(sc_j & 15) · q - dmin·(sc_j >> 4)} with 2-bit {@code q} in 16
 * sub-blocks of 16: 16 bytes of 4-bit scale and min pairs, 64 bytes of quants, fp16 {@code d}, fp16
 * {@code dmin} (84 bytes). Each half of 128 values uses 32 quant bytes: bits 2j..2j+1 of byte l hold value
 * 32j + l.
 * The quantizer is a port of ggml's {@code quantize_row_q2_K_ref} and reproduces llama-quantize's bytes.
 */
public final class Q2_K extends KQuantFormat {
    public static final Q2_K INSTANCE = new Q2_K();
    static final int QK = 256;
    static final int BYTES = 84;

    private Q2_K() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    @Override
    public void dequantize(MemorySegment data, long index, float[] out, int outOffset, int n) {
        long block = index / QK * BYTES;
        for (int o = outOffset; o < outOffset + n; o += QK, block += BYTES) {
            float d = Lanes.half(data, block + 80);
            float dmin = Lanes.half(data, block + 82);
            for (int h = 0; h < 2; h++) {
                for (int t = 0; t < 2; t++) {
                    for (int k = 0; k < 16; k += N) {
                        IntVector q = Lanes.bytes(data, block + 16 + 32 * h + 16 * t + k);
                        for (int j = 0; j < 4; j++) {
                            int sc = data.get(Layouts.BYTE, block + 8 * h + 2 * j + t) & 0xff;
                            Lanes.toFloat(q.lanewise(VectorOperators.LSHR, 2 * j).and(3))
                                    .mul(d * (sc & 0xf)).sub(dmin * (sc >> 4))
                                    .intoArray(out, o + 128 * h + 32 * j + 16 * t + k);
                        }
                    }
                }
            }
        }
    }

    /**
     * The dot with the sums of x over each 16 values ({@link KScratch#sums16}) already taken; scale j
     * covers values 16j.. of its block, so the mins are one multiply-add per block.
     */
    @Override
    boolean sumsPer16() {
        return true;
    }

    @Override
    float dot(MemorySegment data, long index, float[] x, int xOffset, int n, float[] sums, int sums0, float[] sc) {
        for (int p = 0; p < Lanes.LOGICAL; p += N) { // logical lanes p.. (see Lanes), into sc[16 + p..]
            FloatVector acc = FloatVector.zero(F);
            FloatVector accMin = FloatVector.zero(F);
            long block = index / QK * BYTES;
            for (int xb = xOffset, sb = sums0; xb < xOffset + n; xb += QK, block += BYTES, sb += 16) {
                float d = Lanes.half(data, block + 80);
                float dmin = Lanes.half(data, block + 82);
                for (int i = 0; i < 16; i += N) {
                    Lanes.toFloat(Lanes.bytes(data, block + i).and(0xf)).mul(d).intoArray(sc, i);
                }
                accMin = Lanes.toFloat(Lanes.bytes(data, block + p).lanewise(VectorOperators.LSHR, 4)).mul(dmin)
                        .fma(FloatVector.fromArray(F, sums, sb + p), accMin);
                for (int h = 0; h < 2; h++) {
                    for (int t = 0; t < 2; t++) {
                        int k = p;
                        IntVector q = Lanes.bytes(data, block + 16 + 32 * h + 16 * t + k);
                        for (int j = 0; j < 4; j++) {
                            FloatVector xv = FloatVector.fromArray(F, x, xb + 128 * h + 32 * j + 16 * t + k);
                            acc = Lanes.toFloat(q.lanewise(VectorOperators.LSHR, 2 * j).and(3)).mul(xv)
                                    .fma(FloatVector.broadcast(F, sc[8 * h + 2 * j + t]), acc);
                        }
                    }
                }
            }
            acc.sub(accMin).intoArray(sc, 16 + p); // the lanes go through memory: see LaneSum.of(float[], int)
        }
        return LaneSum.of16(sc, 16);
    }

    /** llama.cpp's reference quantizer for this type ({@code quantize_row_q2_K_ref}). */
    @Override
    public void quantize(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        byte[] levels = new byte[QK];
        byte[] aux = new byte[16];
        float[] weights = new float[16];
        float[] scales = new float[16];
        float[] mins = new float[16];
        int[] packed = new int[16];
        long block = dstOffset;
        for (int s = srcOffset; s < srcOffset + n; s += QK, block += BYTES) {
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < 16; j++) {
                for (int l = 0; l < 16; l++) weights[l] = Math.abs(src[s + 16 * j + l]);
                scales[j] = KQuantizer.fitScaleMin(16, 3, src, s + 16 * j, weights, levels, 16 * j, mins, j, aux,
                        -0.5f, 0.1f, 15, true);
                if (scales[j] > maxScale) maxScale = scales[j];
                if (mins[j] > maxMin) maxMin = mins[j];
            }
            java.util.Arrays.fill(packed, 0);
            short dBits = 0;
            short dminBits = 0;
            if (maxScale > 0) {
                float iscale = 15f / maxScale;
                for (int j = 0; j < 16; j++) packed[j] = KQuantizer.nearestInt(iscale * scales[j]) & 0xff;
                dBits = Float.floatToFloat16(maxScale / 15f);
            }
            if (maxMin > 0) {
                float iscale = 15f / maxMin;
                for (int j = 0; j < 16; j++) packed[j] = (packed[j] | KQuantizer.nearestInt(iscale * mins[j]) << 4) & 0xff;
                dminBits = Float.floatToFloat16(maxMin / 15f);
            }
            dst.set(Layouts.SHORT, block + 80, dBits);
            dst.set(Layouts.SHORT, block + 82, dminBits);
            float d = Float.float16ToFloat(dBits);
            float dmin = Float.float16ToFloat(dminBits);
            for (int j = 0; j < 16; j++) {
                dst.set(Layouts.BYTE, block + j, (byte) packed[j]);
                float dj = d * (packed[j] & 0xf);
                if (dj == 0) continue;
                float mj = dmin * (packed[j] >> 4);
                for (int l = 0; l < 16; l++) {
                    int q = KQuantizer.nearestInt((src[s + 16 * j + l] + mj) / dj);
                    levels[16 * j + l] = (byte) KQuantizer.clamp(q, 0, 3);
                }
            }
            packTwoBits(levels, dst, block + 16);
        }
    }

    /** Four 2-bit levels per byte: in each half of 128, byte l holds levels l, 32+l, 64+l, 96+l. */
    static void packTwoBits(byte[] levels, MemorySegment dst, long offset) {
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int b = 128 * h + l;
                int q = levels[b] | (levels[b + 32] << 2) | (levels[b + 64] << 4) | (levels[b + 96] << 6);
                dst.set(Layouts.BYTE, offset + 32 * h + l, (byte) q);
            }
        }
    }
}
