package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

import static dev.specula.tensor.infra.Lanes.F;
import static dev.specula.tensor.infra.Lanes.N;

/**
 * Super-blocks of 256 values {@code d · (sc_j - 32) · (q - 4)} with 3-bit {@code q} in 16 sub-blocks of 16:
 * 32 bytes of high bits (bit i of byte l belongs to value 32i + l), 64 bytes of low 2-bit parts laid out
 * as in Q2_K, 12 bytes of 6-bit scales, fp16 {@code d} (110 bytes). Scale j has its low nibble in byte j
 * (j < 8) or the high nibble of byte j-8, and its top 2 bits at bits 2(j/4) of byte 8 + j%4.
 * The quantizer is a port of ggml's {@code quantize_row_q3_K_ref} and reproduces llama-quantize's bytes.
 */
public final class Q3_K extends KQuantFormat {
    public static final Q3_K INSTANCE = new Q3_K();
    static final int QK = 256;
    static final int BYTES = 110;

    private Q3_K() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    @Override
    public void dequantize(MemorySegment data, long index, float[] out, int outOffset, int n) {
        float[] sc = KScratch.get().scales;
        long block = index / QK * BYTES;
        for (int o = outOffset; o < outOffset + n; o += QK, block += BYTES) {
            scales(data, block, sc);
            for (int t = 0; t < 2; t++) {
                for (int k = 0; k < 16; k += N) {
                    IntVector hm = Lanes.bytes(data, block + 16 * t + k).lanewise(VectorOperators.LSHL, 2);
                    for (int h = 0; h < 2; h++) {
                        IntVector q = Lanes.bytes(data, block + 32 + 32 * h + 16 * t + k);
                        for (int j = 0; j < 4; j++) {
                            Lanes.toFloat(level(q, hm, h, j).sub(4)).mul(sc[8 * h + 2 * j + t])
                                    .intoArray(out, o + 128 * h + 32 * j + 16 * t + k);
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code q} for the values of row {@code j} of half {@code h}: bits 2j..2j+1 of the quant bytes, and
     * bit 4h + j of the high-bit bytes {@code hm} (taken shifted left by 2, so that it lands on bit 2).
     */
    private static IntVector level(IntVector q, IntVector hm, int h, int j) {
        return q.lanewise(VectorOperators.LSHR, 2 * j).and(3).or(hm.lanewise(VectorOperators.LSHR, 4 * h + j).and(4));
    }

    /** Scale {@code j} of the 12 packed bytes at {@code offset}, already less 32. */
    static int scale(MemorySegment data, long offset, int j) {
        int low = (data.get(Layouts.BYTE, offset + j % 8) >> (j < 8 ? 0 : 4)) & 0xf;
        int high = (data.get(Layouts.BYTE, offset + 8 + j % 4) >> (2 * (j / 4))) & 3;
        return (low | (high << 4)) - 32;
    }

    /** The 512-bit constants of the 16-lane path, made only where that path runs (N = 16). */
    private static final class Wide {
        static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
        // 16 bytes from 2 before the scale field, so as not to read past the block: scale byte i is lane 2 + i
        static final VectorShuffle<Integer> LOW_BYTE =
                VectorShuffle.fromValues(I16, 2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5, 6, 7, 8, 9);
        static final VectorShuffle<Integer> TOP_BYTE =
                VectorShuffle.fromValues(I16, 10, 11, 12, 13, 10, 11, 12, 13, 10, 11, 12, 13, 10, 11, 12, 13);
        static final IntVector LOW_SHIFT = IntVector.fromArray(I16,
                new int[] {0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4}, 0);
        static final IntVector TOP_SHIFT = IntVector.fromArray(I16,
                new int[] {0, 0, 0, 0, 2, 2, 2, 2, 4, 4, 4, 4, 6, 6, 6, 6}, 0);
    }

    /** {@code d · (sc_j - 32)} for the 16 scales of the block at {@code block}, into {@code out[0..16)}. */
    static void scales(MemorySegment data, long block, float[] out) {
        float d = Lanes.half(data, block + 108);
        if (N == 16) {
            IntVector q = Lanes.bytes(data, block + 94);
            IntVector low = q.rearrange(Wide.LOW_BYTE).lanewise(VectorOperators.LSHR, Wide.LOW_SHIFT).and(0xf);
            IntVector top = q.rearrange(Wide.TOP_BYTE).lanewise(VectorOperators.LSHR, Wide.TOP_SHIFT).and(3);
            Lanes.toFloat(low.or(top.lanewise(VectorOperators.LSHL, 4)).sub(32)).mul(d).intoArray(out, 0);
        } else {
            for (int j = 0; j < 16; j++) out[j] = d * scale(data, block + 96, j);
        }
    }

    /**
     * The dot with the sums of x over each 16 values ({@link KScratch#sums16}) already taken; scale j
     * covers values 16j.. of its block, so the offset of 4 is one multiply-add per block.
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
                scales(data, block, sc);
                accOffset = FloatVector.fromArray(F, sc, p).fma(FloatVector.fromArray(F, sums, sb + p), accOffset);
                for (int t = 0; t < 2; t++) {
                    int k = p;
                    IntVector hm = Lanes.bytes(data, block + 16 * t + k).lanewise(VectorOperators.LSHL, 2);
                    for (int h = 0; h < 2; h++) {
                        IntVector q = Lanes.bytes(data, block + 32 + 32 * h + 16 * t + k);
                        for (int j = 0; j < 4; j++) {
                            FloatVector xv = FloatVector.fromArray(F, x, xb + 128 * h + 32 * j + 16 * t + k);
                            acc = Lanes.toFloat(level(q, hm, h, j)).mul(xv)
                                    .fma(FloatVector.broadcast(F, sc[8 * h + 2 * j + t]), acc);
                        }
                    }
                }
            }
            acc.sub(accOffset.mul(4f)).intoArray(sc, 16 + p); // the lanes go through memory: see LaneSum.of(float[], int)
        }
        return LaneSum.of16(sc, 16);
    }

    /** llama.cpp's reference quantizer for this type ({@code quantize_row_q3_K_ref}). */
    @Override
    public void quantize(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        byte[] levels = new byte[QK];
        float[] scales = new float[16];
        long block = dstOffset;
        for (int s = srcOffset; s < srcOffset + n; s += QK, block += BYTES) {
            float maxScale = 0;
            float amax = 0;
            for (int j = 0; j < 16; j++) {
                scales[j] = KQuantizer.fitSymmetricIterative(16, 4, src, s + 16 * j, levels, 16 * j);
                float abs = Math.abs(scales[j]);
                if (abs > amax) {
                    amax = abs;
                    maxScale = scales[j];
                }
            }
            dst.asSlice(block, BYTES).fill((byte) 0);
            short dBits = 0;
            if (maxScale != 0) {
                float iscale = -32f / maxScale;
                for (int j = 0; j < 16; j++) {
                    int l = KQuantizer.clamp((byte) KQuantizer.nearestInt(iscale * scales[j]), -32, 31) + 32;
                    long lowAt = block + 96 + (j % 8);
                    int lowShift = j < 8 ? 0 : 4;
                    long highAt = block + 96 + 8 + j % 4;
                    dst.set(Layouts.BYTE, lowAt, (byte) (dst.get(Layouts.BYTE, lowAt) | (l & 0xf) << lowShift));
                    dst.set(Layouts.BYTE, highAt, (byte) (dst.get(Layouts.BYTE, highAt) | (l >> 4) << (2 * (j / 4))));
                }
                dBits = Float.floatToFloat16(1 / iscale);
            }
            dst.set(Layouts.SHORT, block + 108, dBits);
            float d = Float.float16ToFloat(dBits);
            for (int j = 0; j < 16; j++) {
                float dj = d * scale(dst, block + 96, j);
                if (dj == 0) continue;
                for (int l = 0; l < 16; l++) {
                    int q = KQuantizer.nearestInt(src[s + 16 * j + l] / dj);
                    levels[16 * j + l] = (byte) (KQuantizer.clamp(q, -4, 3) + 4);
                }
            }
            for (int i = 0; i < QK; i++) {
                if (levels[i] > 3) {
                    long at = block + i % 32;
                    dst.set(Layouts.BYTE, at, (byte) (dst.get(Layouts.BYTE, at) | 1 << (i / 32)));
                    levels[i] -= 4;
                }
            }
            Q2_K.packTwoBits(levels, dst, block + 32);
        }
    }
}
