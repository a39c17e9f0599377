package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.infra.Layouts;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Q4_K, Q5_K and Q6_K products equal, bit for bit, a plain scalar model of llama.cpp's x86 kernels written
 * from their description (docs/NUMERICS.md): weights decoded one value at a time, integer sums in long, the
 * floats in the kernels' order. Q4_K as its repacked gemv, and as its gemm for the first 4·⌊B/4⌋ inputs of a
 * batched product of B ≥ 4 inputs.
 */
class KQuantLlamaOrderTest {
    private static final int ROWS = 5, COLS = 768;

    @ParameterizedTest
    @EnumSource(names = {"Q4_K", "Q5_K", "Q6_K"})
    void productsEqualAScalarModelOfLlamaCpp(GgmlType type) {
        TensorFormat f = TensorFormat.of(type);
        Random rnd = new Random(21);
        float[] w = gaussian(ROWS * COLS, rnd);
        MemorySegment data = MemorySegment.ofArray(new byte[(int) type.byteSize((long) ROWS * COLS)]);
        f.quantize(w, 0, w.length, data, 0);
        for (int batch = 1; batch <= 6; batch++) {
            float[] x = gaussian(batch * COLS, rnd);
            x[5] = 0f; // a zero input...
            for (int i = 256; i < 512; i++) x[i] = 0f; // ...and an all-zero super-block
            for (boolean batched : new boolean[] {false, true}) {
                float[] out = new float[batch * ROWS];
                if (batched) f.batchedRows(data, COLS, 0, ROWS, x, batch, out, ROWS);
                else f.matmulRows(data, COLS, 0, ROWS, x, batch, out, ROWS);
                for (int b = 0; b < batch; b++) {
                    boolean gemm = batched && batch >= 4 && b < batch - batch % 4;
                    for (int r = 0; r < ROWS; r++) {
                        float expected = reference(type, data, r, x, b, gemm);
                        assertThat(out[b * ROWS + r]).as("%s batch %d%s input %d row %d", type, batch,
                                batched ? " batched" : "", b, r).isEqualTo(expected);
                    }
                }
            }
        }
    }

    private static float reference(GgmlType type, MemorySegment data, int r, float[] x, int b, boolean gemm) {
        float acc = 0f, accMin = 0f;
        float[] lanes = new float[8];
        for (int k = 0; k < COLS / 256; k++) {
            long block = ((long) r * COLS / 256 + k) * type.typeSize();
            Q8K in = new Q8K(x, b * COLS + 256 * k);
            int[] q = values(type, data, block);
            if (type == GgmlType.Q6_K) {
                float d = half(data, block + 208) * in.d;
                for (int m = 0; m < 8; m++) {
                    long lane = 0;
                    for (int e = 0; e < 256; e++) if (((e & 31) >> 2) == m) lane += (long) scale6(data, block, e >> 4) * q[e] * in.q[e];
                    lane -= 32L * (scale6(data, block, 2 * m) * in.sum16(2 * m) + scale6(data, block, 2 * m + 1) * in.sum16(2 * m + 1));
                    lanes[m] = Math.fma(d, (float) lane, lanes[m]);
                }
                continue;
            }
            int[] sc = new int[8], mn = new int[8];
            for (int j = 0; j < 8; j++) {
                sc[j] = scaleMin(data, block + 4, j, false);
                mn[j] = scaleMin(data, block + 4, j, true);
            }
            if (type == GgmlType.Q5_K) {
                float d = in.d * half(data, block), dmin = -in.d * half(data, block + 2);
                for (int m = 0; m < 8; m++) {
                    long lane = 0;
                    for (int e = 0; e < 256; e++) if (((e & 31) >> 2) == m) lane += (long) sc[e >> 5] * q[e] * in.q[e];
                    lanes[m] = Math.fma(d, (float) lane, lanes[m]);
                }
                long mins = 0;
                for (int j = 0; j < 8; j++) mins += (long) mn[j] * (in.sum16(2 * j) + in.sum16(2 * j + 1));
                accMin = Math.fma(dmin, (float) mins, accMin);
                continue;
            }
            float d = half(data, block) * in.d, dmin = half(data, block + 2) * in.d;
            long total = 0, totalMin = 0;
            for (int p = 0; p < 4; p++) {
                long pair = 0, pairMin = 0;
                for (int j = 2 * p; j < 2 * p + 2; j++) {
                    for (int e = 32 * j; e < 32 * j + 32; e++) pair += (long) sc[j] * q[e] * in.q[e];
                    pairMin += (long) mn[j] * (in.sum16(2 * j) + in.sum16(2 * j + 1));
                }
                if (gemm) {
                    acc = Math.fma((float) pair, d, acc);
                    accMin = Math.fma((float) pairMin, dmin, accMin);
                }
                total += pair;
                totalMin += pairMin;
            }
            if (!gemm) {
                acc = Math.fma((float) total, d, acc);
                accMin = Math.fma((float) totalMin, dmin, accMin);
            }
        }
        if (type == GgmlType.Q4_K) return acc - accMin;
        float hsum = ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]));
        return type == GgmlType.Q5_K ? hsum + accMin : hsum;
    }

    /** The unsigned quantized values of a super-block, in order. */
    private static int[] values(GgmlType type, MemorySegment data, long block) {
        int[] q = new int[256];
        for (int e = 0; e < 256; e++) {
            int g = e / 64, l = e % 32;
            boolean high = (e % 64) >= 32;
            q[e] = switch (type) {
                case Q4_K -> nibble(data, block + 16 + 32 * g + l, high);
                case Q5_K -> nibble(data, block + 48 + 32 * g + l, high)
                        + 16 * ((u8(data, block + 16 + l) >> (2 * g + (high ? 1 : 0))) & 1);
                default -> { // Q6_K: half h, quarter c of 32
                    int h = e / 128, c = (e % 128) / 32;
                    int low = nibble(data, block + 64 * h + 32 * (c & 1) + l, c >= 2);
                    yield low | ((u8(data, block + 128 + 32 * h + l) >> (2 * c)) & 3) << 4;
                }
            };
        }
        return q;
    }

    /** ggml's get_scale_min_k4: the 6-bit scale (or min) j of the 12 bytes at {@code o}. */
    private static int scaleMin(MemorySegment data, long o, int j, boolean min) {
        if (j < 4) return u8(data, o + j + (min ? 4 : 0)) & 63;
        int packed = u8(data, o + j + 4);
        int top = u8(data, o + j - 4 + (min ? 4 : 0)) >> 6;
        return (min ? packed >> 4 : packed & 15) | top << 4;
    }

    private static int scale6(MemorySegment data, long block, int j) {
        return data.get(Layouts.BYTE, block + 192 + j);
    }

    private static int nibble(MemorySegment data, long at, boolean high) {
        int v = u8(data, at);
        return high ? v >> 4 : v & 15;
    }

    private static int u8(MemorySegment data, long at) {
        return data.get(Layouts.BYTE, at) & 0xff;
    }

    private static float half(MemorySegment data, long at) {
        return Float.float16ToFloat(data.get(Layouts.SHORT, at));
    }

    /** quantize_row_q8_K_ref on 256 values: the first value of largest magnitude becomes -127. */
    private static final class Q8K {
        final int[] q = new int[256];
        final float d;

        Q8K(float[] x, int o) {
            float amax = 0f, max = 0f;
            for (int j = 0; j < 256; j++) {
                if (Math.abs(x[o + j]) > amax) {
                    amax = Math.abs(x[o + j]);
                    max = x[o + j];
                }
            }
            if (amax == 0f) {
                d = 0f;
                return;
            }
            float iscale = -127f / max;
            // nearest_int: round to even through the float 1.5·2^23
            for (int j = 0; j < 256; j++) q[j] = Math.min(127, (Float.floatToRawIntBits(iscale * x[o + j] + 12582912f) & 0x7fffff) - 0x400000);
            d = 1f / iscale;
        }

        long sum16(int k) {
            long s = 0;
            for (int i = 16 * k; i < 16 * k + 16; i++) s += q[i];
            return s;
        }
    }

    private static float[] gaussian(int n, Random rnd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }
}
