package dev.specula.tensor.kernel;

import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The Q4_0 and Q8_0 products that {@link PackedRows} (and the native packed kernel) compute, in their order, on the
 * file's layout and at any vector width: where PackedRows cannot run (fewer than 16 float lanes), this runs in its
 * place, so that a model gives the same bits on every machine.
 *
 * <p>Per row and input, group g of 16 blocks adds, on lane l, block b = 16g + P(l) (P(l) = 4 (l % 4) + l / 4, see
 * {@link Repack}): its integer dot with the input's Q8_0 bytes, exact, converted to float, times {@code dw · dx},
 * with one FMA; the lanes summed in {@link PackedRows#reduce}'s order. The blocks after the last group go as the
 * native pair kernel takes them: lane i of a pair's block holds values 4i..4i+3 times the unsigned weights plus the
 * block's bias share, an FMA with {@code dw · dx} (a lone last block: multiplied, then added), summed likewise and
 * added to the groups' sum. The integer dots are exact in any order, so they run on vectors of any width.
 */
final class PackedTwin {
    private PackedTwin() {}

    /** Adding then subtracting 1.5 * 2^23 rounds a float below 2^22 to the nearest integer, ties to even. */
    private static final float ROUND = 12582912f;

    /** One product's inputs rounded to Q8_0 as {@link PackedInputs} rounds them: bytes, and per block d and sum(q). */
    static final class Inputs {
        private byte[] q = new byte[0];
        private float[] d = new float[0];
        private int[] sum = new int[0];

        void build(float[] x, int batch, int cols) {
            int n = batch * cols, blocks = n / 32;
            if (q.length < n + 8) q = new byte[n + 8];
            if (d.length < blocks) {
                d = new float[blocks];
                sum = new int[blocks];
            }
            for (int j = 0; j < blocks; j++) {
                int i0 = 32 * j;
                float amax = 0f;
                for (int k = 0; k < 32; k++) amax = Math.max(amax, Math.abs(x[i0 + k]));
                float id = amax != 0f ? 127f / amax : 0f;
                float s = 0f;
                for (int k = 0; k < 32; k++) {
                    float r = x[i0 + k] * id + ROUND - ROUND;
                    q[i0 + k] = (byte) r;
                    s += r;
                }
                d[j] = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
                sum[j] = (int) s;
            }
        }
    }

    static void multiply(boolean q4, MemorySegment w, int cols, int rowStart, int rowEnd, Inputs in, int batch,
                         float[] out, int outStride) {
        int nb = cols / 32, ng = nb / 16, tail = nb - 16 * ng, bs = q4 ? 18 : 34;
        float[] acc = LaneSum.lanes();
        for (int r = rowStart; r < rowEnd; r++) {
            long row = (long) r * nb * bs;
            for (int t = 0; t < batch; t++) {
                int xb = t * nb;
                java.util.Arrays.fill(acc, 0f);
                for (int g = 0; g < ng; g++) {
                    for (int l = 0; l < 16; l++) {
                        int b = 16 * g + 4 * (l % 4) + l / 4;
                        long blk = row + (long) b * bs;
                        int dot = q4 ? dotQ4(w, blk, in.q, 32 * (xb + b)) : dotQ8(w, blk, in.q, 32 * (xb + b));
                        acc[l] = Math.fma((float) dot, Lanes.half(w, blk) * in.d[xb + b], acc[l]);
                    }
                }
                float v = PackedRows.reduce(acc, 0);
                if (tail > 0) {
                    java.util.Arrays.fill(acc, 0f);
                    for (int p = 0; 2 * p < tail; p++) {
                        boolean lone = 2 * p + 1 == tail;
                        for (int h = 0; h < (lone ? 1 : 2); h++) {
                            int b = 16 * ng + 2 * p + h;
                            long blk = row + (long) b * bs;
                            float sc = Lanes.half(w, blk) * in.d[xb + b];
                            int bias = (q4 ? -1 : -16) * in.sum[xb + b];
                            for (int i = 0; i < 8; i++) {
                                int s = bias;
                                for (int k = 4 * i; k < 4 * i + 4; k++) s += unsigned(q4, w, blk, k) * in.q[32 * (xb + b) + k];
                                acc[8 * h + i] = lone ? acc[8 * h + i] + (float) s * sc : Math.fma((float) s, sc, acc[8 * h + i]);
                            }
                        }
                    }
                    v = v + PackedRows.reduce(acc, 0);
                }
                out[t * outStride + r] = v;
            }
        }
    }

    /** Value k of a block as the packed kernel's unsigned operand: the nibble (Q4_0) or q + 128 (Q8_0). */
    private static int unsigned(boolean q4, MemorySegment w, long blk, int k) {
        if (!q4) return w.get(Layouts.BYTE, blk + 2 + k) + 128;
        int b = w.get(Layouts.BYTE, blk + 2 + k % 16) & 0xff;
        return k < 16 ? b & 15 : b >>> 4;
    }

    /** Bytes per 16-bit step: 16 where a float vector has 8 lanes or more, else 8. */
    private static final VectorSpecies<Byte> B16 = Lanes.N >= 8 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;
    private static final VectorSpecies<Short> S16 = Lanes.N >= 8 ? ShortVector.SPECIES_256 : ShortVector.SPECIES_128;

    /**
     * Σ (nibble - 8) · q over the Q4_0 block at {@code blk} and the input bytes from {@code xq}, exact in 16-bit
     * lanes: |q| ≤ 127, so each product is at most 1016 in size and the whole sum at most 32512.
     */
    private static int dotQ4(MemorySegment w, long blk, byte[] q, int xq) {
        ShortVector s = ShortVector.zero(S16);
        for (int j = 0; j < 16; j += B16.length()) {
            ShortVector u = (ShortVector) ByteVector.fromMemorySegment(B16, w, blk + 2 + j, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S16, 0);
            ShortVector lo = (ShortVector) ByteVector.fromArray(B16, q, xq + j).convertShape(VectorOperators.B2S, S16, 0);
            ShortVector hi = (ShortVector) ByteVector.fromArray(B16, q, xq + 16 + j).convertShape(VectorOperators.B2S, S16, 0);
            s = s.add(u.and((short) 15).sub((short) 8).mul(lo))
                    .add(u.lanewise(VectorOperators.LSHR, 4).sub((short) 8).mul(hi));
        }
        return s.reduceLanes(VectorOperators.ADD);
    }

    /** Σ qw · q over the Q8_0 block at {@code blk} and the input bytes from {@code xq}: exact. */
    private static int dotQ8(MemorySegment w, long blk, byte[] q, int xq) {
        IntVector s = IntVector.zero(Lanes.I);
        for (int j = 0; j < 32; j += Lanes.N) {
            s = s.add(Lanes.signedBytes(w, blk + 2 + j).mul(Lanes.signedBytes(q, xq + j)));
        }
        return s.reduceLanes(VectorOperators.ADD);
    }
}
