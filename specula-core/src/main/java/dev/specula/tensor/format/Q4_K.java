package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static dev.specula.tensor.infra.Lanes.F;
import static dev.specula.tensor.infra.Lanes.N;

/**
 * Super-blocks of 256 values in 8 sub-blocks of 32, value {@code d·sc_j · q - dmin·m_j} with 4-bit {@code q}:
 * fp16 {@code d}, fp16 {@code dmin}, 12 bytes of 6-bit scales and mins {@code sc_j, m_j}, then 128 bytes in
 * four groups of 32 whose low nibbles are sub-block 2g and high nibbles sub-block 2g+1 (144 bytes).
 * The quantizer is a port of ggml's {@code quantize_row_q4_K_ref} and reproduces llama-quantize's bytes.
 */
public final class Q4_K extends KQuantFormat {
    /**
     * How many of a pass's {@code batch} inputs take llama.cpp's batched (gemm) order: in a prompt's pass
     * ({@code batched}) of 4 or more, the first 4 * floor(batch / 4); none in a pass that must equal one-input decoding.
     * The Java and the native Q4_K products both split here.
     */
    public static int gemmInputs(int batch, boolean batched) {
        return batched && batch >= 4 ? batch - batch % 4 : 0;
    }

    public static final Q4_K INSTANCE = new Q4_K();
    static final int QK = 256;
    public static final int BYTES = 144;

    private Q4_K() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
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
                    IntVector q = Lanes.bytes(data, block + 16 + 32 * g + k);
                    Lanes.toFloat(q.and(0xf)).mul(d1).sub(m1).intoArray(out, o + 64 * g + k);
                    Lanes.toFloat(q.lanewise(VectorOperators.LSHR, 4)).mul(d2).sub(m2)
                            .intoArray(out, o + 64 * g + 32 + k);
                }
            }
        }
    }

    /**
     * The dot with the sums of x per sub-block ({@link KScratch#sums}) already taken. Keep its vector call
     * sites few: once a method parses into too many nodes C2 stops inlining and boxes every vector, which
     * once made the Q6_K kernel seven times slower.
     */
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
                scalesAndMins(data, block, sc);
                accMin = FloatVector.fromArray(F, sc, p).fma(FloatVector.fromArray(F, sums, sb + p), accMin);
                // 32 quant bytes a step: the low nibbles are values 64g.. of sub-block 2g, the high ones 64g + 32..
                for (int g = 0; g < 4; g++) {
                    int xi = xb + 64 * g + p;
                    IntVector q0 = Lanes.bytes(data, block + 16 + 32 * g + p);
                    IntVector q1 = Lanes.bytes(data, block + 16 + 32 * g + 16 + p);
                    FloatVector lo = Lanes.toFloat(q0.and(0xf)).mul(FloatVector.fromArray(F, x, xi));
                    lo = Lanes.toFloat(q1.and(0xf)).fma(FloatVector.fromArray(F, x, xi + 16), lo);
                    FloatVector hi = Lanes.toFloat(q0.lanewise(VectorOperators.LSHR, 4))
                            .mul(FloatVector.fromArray(F, x, xi + 32));
                    hi = Lanes.toFloat(q1.lanewise(VectorOperators.LSHR, 4))
                            .fma(FloatVector.fromArray(F, x, xi + 48), hi);
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
     * llama.cpp's x86 build repacks Q4_K matrices whose row count is a multiple of 8 (every one the fixtures hold)
     * and multiplies them with {@code ggml_gemv_q4_K_8x8_q8_K} (one input) or {@code ggml_gemm_q4_K_8x8_q8_K}
     * (batched). Both take, per super-block, the integer sums {@code I_j = sc_j · Σ q·x} and {@code M_j = m_j ·
     * Σ x} over sub-blocks j, exact, and keep the minimum term in its own accumulator, subtracted at the end. The
     * one-input kernel converts {@code Σ_j I_j} once per super-block, {@code acc = fma(I, d·d_x, acc)}; the
     * batched one converts each pair {@code I_2p + I_2p+1}, four multiply-adds per super-block ({@code gemm}).
     *
     * <p>The integer sums are taken in float lanes, where they are exact (see {@link Q8KInputs}): a lane holds at
     * most a quarter of a super-block's values, at most 64·15·127·63 ≈ 7.7e6 in all, below 2^24; the lanes are
     * then added in int. So neither their order nor the vector width matters.
     */
    @Override
    float llamaDot(MemorySegment data, long block, Q8KInputs in, int first, int blocks, boolean gemm, KScratch scratch) {
        float[] xq = in.q, sums = in.sums32, sc = scratch.scales;
        float acc = 0f, accMin = 0f;
        for (int k = 0, i = first; k < blocks; k++, i++, block += BYTES) {
            float dx = in.d[i];
            float d = Lanes.half(data, block) * dx;
            float dmin = Lanes.half(data, block + 2) * dx;
            scalesAndMins(data, block, sc, 1f, 1f); // sc_j, then m_j, as they are
            int xo = QK * i, so = 8 * i;
            FloatVector sum = FloatVector.zero(F);
            for (int g = 0; g < 4; g++) { // sub-blocks 2g (low nibbles) and 2g + 1 (high nibbles)
                FloatVector lo = FloatVector.zero(F), hi = FloatVector.zero(F);
                for (int l = 0; l < 32; l += N) {
                    IntVector q = Lanes.bytes(data, block + 16 + 32 * g + l);
                    lo = Lanes.toFloat(q.and(0xf)).fma(FloatVector.fromArray(F, xq, xo + 64 * g + l), lo);
                    hi = Lanes.toFloat(q.lanewise(VectorOperators.LSHR, 4)).fma(FloatVector.fromArray(F, xq, xo + 64 * g + 32 + l), hi);
                }
                if (gemm) {
                    FloatVector pair = lo.fma(FloatVector.broadcast(F, sc[2 * g]), hi.mul(sc[2 * g + 1]));
                    float pairMin = sc[8 + 2 * g] * sums[so + 2 * g] + sc[9 + 2 * g] * sums[so + 2 * g + 1];
                    int total = ((IntVector) pair.convert(VectorOperators.F2I, 0)).reduceLanes(VectorOperators.ADD);
                    acc = Math.fma((float) total, d, acc);
                    accMin = Math.fma(pairMin, dmin, accMin);
                } else {
                    sum = hi.fma(FloatVector.broadcast(F, sc[2 * g + 1]), lo.fma(FloatVector.broadcast(F, sc[2 * g]), sum));
                }
            }
            if (!gemm) {
                float sumMin = 0f; // Σ m_j·Σx_j, exact: at most 8·63·32·127 ≈ 2e6
                for (int j = 0; j < 8; j++) sumMin += sc[8 + j] * sums[so + j];
                int total = ((IntVector) sum.convert(VectorOperators.F2I, 0)).reduceLanes(VectorOperators.ADD);
                acc = Math.fma((float) total, d, acc);
                accMin = Math.fma(sumMin, dmin, accMin);
            }
        }
        return acc - accMin;
    }

    /** The 512-bit constants of the 16-lane path, made only where that path runs (N = 16). */
    private static final class Wide {
        static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
        static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
        /** For lanes 0..7 (scales) and 8..15 (mins) of 16 bytes from the scale field: the byte with the low bits. */
        static final VectorShuffle<Integer> LOW_BYTE =
                VectorShuffle.fromValues(I16, 0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 8, 9, 10, 11);
        /** ... the byte whose top two bits are the high bits (lanes 4..7 and 12..15 only). */
        static final VectorShuffle<Integer> TOP_BYTE =
                VectorShuffle.fromValues(I16, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 4, 5, 6, 7);
        static final IntVector LOW_SHIFT = IntVector.fromArray(I16,
                new int[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4}, 0);
        static final IntVector LOW_MASK = IntVector.fromArray(I16,
                new int[] {63, 63, 63, 63, 15, 15, 15, 15, 63, 63, 63, 63, 15, 15, 15, 15}, 0);
        static final IntVector TOP_MASK = IntVector.fromArray(I16,
                new int[] {0, 0, 0, 0, 0x30, 0x30, 0x30, 0x30, 0, 0, 0, 0, 0x30, 0x30, 0x30, 0x30}, 0);
        static final VectorMask<Float> MIN_LANES = VectorMask.fromLong(F16, 0xff00L);
    }

    /**
     * Unpacks the block's {@code d·sc_j} into {@code sc[0..8)} and {@code dmin·m_j} into {@code sc[8..16)}:
     * the dot adds the min term {@code Σ dmin·m_j · Σ x} from there, with the sums of x laid out by
     * {@link KScratch#sums}. It takes and returns no vector, which C2 would box when it does not inline it.
     */
    static void scalesAndMins(MemorySegment data, long block, float[] sc) {
        scalesAndMins(data, block, sc, Lanes.half(data, block), Lanes.half(data, block + 2));
    }

    /** The same with the factors {@code d} and {@code dmin} given: 1 and 1 unpack the 6-bit fields as they are. */
    static void scalesAndMins(MemorySegment data, long block, float[] sc, float d, float dmin) {
        if (N == 16) scalesMins16(data, block, sc, d, dmin);
        else scalesMins(data, block, sc, d, dmin);
    }

    /**
     * {@code d·sc_j} in lanes 0..7 and {@code dmin·m_j} in lanes 8..15 for the block at {@code block}: the
     * 6-bit fields of {@link #scales} and {@link #mins} taken apart in one 16-lane int vector.
     */
    static void scalesMins16(MemorySegment data, long block, float[] out, float d, float dmin) {
        // 16 bytes from the 12-byte scale field on: the 4 beyond it are quants, and no lane reads them
        IntVector q = (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, data, block + 4,
                ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, Wide.I16, 0);
        IntVector low = q.rearrange(Wide.LOW_BYTE).lanewise(VectorOperators.LSHR, Wide.LOW_SHIFT).and(Wide.LOW_MASK);
        IntVector top = q.rearrange(Wide.TOP_BYTE).lanewise(VectorOperators.LSHR, 2).and(Wide.TOP_MASK);
        FloatVector factor = FloatVector.broadcast(Wide.F16, d).blend(dmin, Wide.MIN_LANES);
        ((FloatVector) low.or(top).convert(VectorOperators.I2F, 0)).mul(factor).intoArray(out, 0);
    }

    /** {@link #scalesMins16} for narrower vectors, into {@code out[0..16)}. */
    static void scalesMins(MemorySegment data, long block, float[] out, float d, float dmin) {
        long scales = scales(data, block + 4);
        long mins = mins(data, block + 4);
        for (int j = 0; j < 8; j++) {
            out[j] = d * sixBits(scales, j);
            out[8 + j] = dmin * sixBits(mins, j);
        }
    }

    /** Entry {@code j} of {@link #scales} or {@link #mins}. */
    static int sixBits(long packed, int j) {
        return (int) (packed >>> (8 * j)) & 63;
    }

    /**
     * The eight 6-bit scales of the 12 packed bytes at {@code offset} (ggml's {@code get_scale_min_k4}),
     * one per byte of the result: scales 0..3 are the low 6 bits of bytes 0..3, scales 4..7 the low
     * nibbles of bytes 8..11 with the top 2 bits of bytes 0..3 above them.
     */
    static long scales(MemorySegment data, long offset) {
        int a = data.get(Layouts.INT, offset);
        int c = data.get(Layouts.INT, offset + 8);
        int high = (c & 0x0f0f0f0f) | (((a >>> 6) & 0x03030303) << 4);
        return (a & 0x3f3f3f3fL) | ((long) high << 32);
    }

    /** The eight 6-bit mins likewise: bytes 4..7, then the high nibbles of bytes 8..11 and the top bits of 4..7. */
    static long mins(MemorySegment data, long offset) {
        int b = data.get(Layouts.INT, offset + 4);
        int c = data.get(Layouts.INT, offset + 8);
        int high = ((c >>> 4) & 0x0f0f0f0f) | (((b >>> 6) & 0x03030303) << 4);
        return (b & 0x3f3f3f3fL) | ((long) high << 32);
    }

    /** llama.cpp's reference quantizer for this type ({@code quantize_row_q4_K_ref}). */
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
                scales[j] = KQuantizer.fitScaleMin(32, 15, src, xo, weights, levels, 32 * j, mins, j, aux,
                        -1f, 0.1f, 20, false);
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
                    levels[32 * j + l] = (byte) KQuantizer.clamp(q, 0, 15);
                }
            }
            for (int g = 0; g < 4; g++) {
                for (int l = 0; l < 32; l++) {
                    int q = levels[64 * g + l] | (levels[64 * g + 32 + l] << 4);
                    dst.set(Layouts.BYTE, block + 16 + 32 * g + l, (byte) q);
                }
            }
        }
    }
}
