package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;
import dev.specula.tensor.kernel.MatMul;
import dev.specula.tensor.kernel.Product;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.specula.tensor.infra.Lanes.F;
import static dev.specula.tensor.infra.Lanes.I;
import static dev.specula.tensor.infra.Lanes.N;

/**
 * Blocks of 32 values {@code (q - 16) * d} with 5-bit {@code q}: fp16 {@code d}, a 32-bit word whose bit j
 * is the high bit of value j, then 16 bytes of low nibbles (values 0..15 low, 16..31 high; 22 bytes).
 */
public final class Q5_0 implements TensorFormat {
    public static final Q5_0 INSTANCE = new Q5_0();
    static final int QK = 32;
    static final int BYTES = 22;

    private Q5_0() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    @Override
    public void dequantize(MemorySegment data, long index, float[] out, int outOffset, int n) {
        IntVector lane = IntVector.zero(I).addIndex(1);
        long block = index / QK * BYTES;
        for (int o = outOffset; o < outOffset + n; o += QK, block += BYTES) {
            float d = Lanes.half(data, block);
            int qh = data.get(Layouts.INT, block + 2);
            for (int k = 0; k < QK / 2; k += N) {
                IntVector q = Lanes.bytes(data, block + 6 + k);
                IntVector shift = lane.add(k);
                Lanes.toFloat(low(q, qh, shift).sub(16)).mul(d).intoArray(out, o + k);
                Lanes.toFloat(high(q, qh, shift).sub(16)).mul(d).intoArray(out, o + QK / 2 + k);
            }
        }
    }

    /** Values k.. of a block: low nibbles, with bit j of {@code qh} as bit 4 of lane j ({@code shift} = lane + k). */
    static IntVector low(IntVector q, int qh, IntVector shift) {
        return q.and(0xf).or(IntVector.broadcast(I, qh << 4).lanewise(VectorOperators.LSHR, shift).and(0x10));
    }

    /** Values 16 + k.. of a block: high nibbles, with bit 16 + j of {@code qh} as bit 4 of lane j. */
    static IntVector high(IntVector q, int qh, IntVector shift) {
        return q.lanewise(VectorOperators.LSHR, 4)
                .or(IntVector.broadcast(I, qh >>> 12).lanewise(VectorOperators.LSHR, shift).and(0x10));
    }

    /** The inputs, rounded through Q8_0, as llama.cpp's integers ({@link Q8Dot.Inputs}), once per product. */
    @Override
    public void prepareInputs(PreparedInputs in) {
        if (!TensorFormat.sharesTiles(in.batch, in.cols)) in.q8.from(in.x, in.batch, in.cols);
    }

    /**
     * The product over inputs rounded through Q8_0 (as {@link Product} passes them) in llama.cpp's order
     * ({@link Q8Dot}): each row's values unpacked once to signed bytes, then one 8-lane pass per input;
     * batches of {@link TensorFormat#SHARED_TILE_BATCH} and more share dequantized tiles ({@link MatMul#tiled}).
     */
    @Override
    public void matmulRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                           PreparedInputs prepared, float[] out, int outStride) {
        int batch = prepared.batch;
        if (TensorFormat.sharesTiles(batch, cols)) {
            MatMul.tiled(this, data, cols, rowStart, rowEnd, prepared.x, batch, out, outStride);
            return;
        }
        Q8Dot.Inputs in = prepared.q8;
        int blocks = cols / QK;
        Q8Dot.Row w = Q8Dot.row(blocks);
        for (int r = rowStart; r < rowEnd; r++) {
            unpack(data, (long) r * blocks * BYTES, blocks, w);
            for (int b = 0; b < batch; b++) out[b * outStride + r] = Q8Dot.dot(w, in, b * blocks, blocks, false);
        }
    }

    /** A row's scales, and its values q - 16 as signed bytes ({@link Q8Dot.Row}). */
    private static void unpack(MemorySegment data, long row, int blocks, Q8Dot.Row w) {
        for (int k = 0; k < blocks; k++) {
            long block = row + (long) k * BYTES;
            w.d[k] = Lanes.half(data, block);
            int qh = data.get(Layouts.INT, block + 2);
            for (int j = 0; j < 8; j++) {
                int word = 0;
                for (int e = 0; e < 4; e++) {
                    int v = 4 * j + e;
                    int nibble = v < 16 ? data.get(Layouts.BYTE, block + 6 + v) & 0xf
                            : (data.get(Layouts.BYTE, block + 6 + v - 16) >> 4) & 0xf;
                    word |= (((nibble | ((qh >>> v) & 1) << 4) - 16) & 0xff) << (8 * e);
                }
                w.q[8 * k + j] = word;
            }
        }
    }

    @Override
    public float dot(MemorySegment data, long index, float[] x, int xOffset, int n) {
        float[] lanes = LaneSum.lanes();
        for (int p = 0; p < Lanes.LOGICAL; p += N) { // logical lanes p.. (see Lanes): values p.. and 16 + p..
            FloatVector acc = FloatVector.zero(F);
            IntVector shift = IntVector.zero(I).addIndex(1).add(p);
            long block = index / QK * BYTES;
            for (int xi = xOffset + p; xi < xOffset + n; xi += QK, block += BYTES) {
                int qh = data.get(Layouts.INT, block + 2);
                IntVector q = Lanes.bytes(data, block + 6 + p);
                IntVector q0 = low(q, qh, shift).sub(16);
                IntVector q1 = high(q, qh, shift).sub(16);
                FloatVector qx = Lanes.toFloat(q0).fma(FloatVector.fromArray(F, x, xi), FloatVector.zero(F));
                qx = Lanes.toFloat(q1).fma(FloatVector.fromArray(F, x, xi + QK / 2), qx);
                acc = qx.fma(FloatVector.broadcast(F, Lanes.half(data, block)), acc);
            }
            acc.intoArray(lanes, p);
        }
        return LaneSum.of16(lanes, 0);
    }

    @Override
    public void quantize(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        long block = dstOffset;
        for (int s = srcOffset; s < srcOffset + n; s += QK, block += BYTES) {
            float amax = 0;
            float max = 0;
            for (int j = 0; j < QK; j++) {
                float v = src[s + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -16;
            float id = d != 0 ? 1.0f / d : 0.0f;
            dst.set(Layouts.SHORT, block, Float.floatToFloat16(d));
            int qh = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q0 = Math.min(31, (int) (src[s + j] * id + 16.5f));
                int q1 = Math.min(31, (int) (src[s + QK / 2 + j] * id + 16.5f));
                dst.set(Layouts.BYTE, block + 6 + j, (byte) ((q0 & 0xf) | ((q1 & 0xf) << 4)));
                qh |= ((q0 >> 4) & 1) << j;
                qh |= ((q1 >> 4) & 1) << (j + QK / 2);
            }
            dst.set(Layouts.INT, block + 2, qh);
        }
    }
}
