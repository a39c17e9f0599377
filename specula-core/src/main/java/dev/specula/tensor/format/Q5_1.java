package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;
import dev.specula.tensor.kernel.MatMul;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.specula.tensor.infra.Lanes.F;
import static dev.specula.tensor.infra.Lanes.I;
import static dev.specula.tensor.infra.Lanes.N;

/**
 * Blocks of 32 values {@code q * d + m} with 5-bit {@code q}: fp16 {@code d}, fp16 {@code m}, a 32-bit word of
 * high bits (bit j for value j), then 16 bytes of low nibbles (values 0..15 low, 16..31 high; 24 bytes).
 */
public final class Q5_1 implements TensorFormat {
    public static final Q5_1 INSTANCE = new Q5_1();
    static final int QK = 32;
    static final int BYTES = 24;

    private Q5_1() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q5_1;
    }

    @Override
    public void dequantize(MemorySegment data, long index, float[] out, int outOffset, int n) {
        IntVector lane = IntVector.zero(I).addIndex(1);
        long block = index / QK * BYTES;
        for (int o = outOffset; o < outOffset + n; o += QK, block += BYTES) {
            float d = Lanes.half(data, block);
            float m = Lanes.half(data, block + 2);
            int qh = data.get(Layouts.INT, block + 4);
            for (int k = 0; k < QK / 2; k += N) {
                IntVector q = Lanes.bytes(data, block + 8 + k);
                IntVector shift = lane.add(k);
                Lanes.toFloat(Q5_0.low(q, qh, shift)).mul(d).add(m).intoArray(out, o + k);
                Lanes.toFloat(Q5_0.high(q, qh, shift)).mul(d).add(m).intoArray(out, o + QK / 2 + k);
            }
        }
    }

    /**
     * The product over raw inputs, which {@link #prepareInputs} quantizes to Q8_1 (the block sums need the
     * unrounded scale), in llama.cpp's order ({@link Q8Dot}); batches of
     * {@link TensorFormat#SHARED_TILE_BATCH} and more share dequantized tiles ({@link MatMul#tiled}).
     */
    @Override
    public void matmulRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                           PreparedInputs in, float[] out, int outStride) {
        Q8Dot.matmulQ8_1(this, BYTES, Q5_1::unpack, data, cols, rowStart, rowEnd, in, out, outStride);
    }

    /** The raw inputs quantized to Q8_1, once per product ({@link Q8Dot#prepareQ8_1}). */
    @Override
    public void prepareInputs(PreparedInputs in) {
        Q8Dot.prepareQ8_1(in);
    }

    /** Inputs reach {@link #prepareInputs} unrounded: it quantizes them to Q8_1 itself. */
    @Override
    public InputRounding inputRounding() {
        return InputRounding.NONE;
    }

    /** A row's scales, minimums and values q (0..31) as bytes ({@link Q8Dot.Row}). */
    private static void unpack(MemorySegment data, long row, int blocks, Q8Dot.Row w) {
        for (int k = 0; k < blocks; k++) {
            long block = row + (long) k * BYTES;
            w.d[k] = Lanes.half(data, block);
            w.m[k] = Lanes.half(data, block + 2);
            int qh = data.get(Layouts.INT, block + 4);
            for (int j = 0; j < 8; j++) {
                int word = 0;
                for (int e = 0; e < 4; e++) {
                    int v = 4 * j + e;
                    int nibble = v < 16 ? data.get(Layouts.BYTE, block + 8 + v) & 0xf
                            : (data.get(Layouts.BYTE, block + 8 + v - 16) >> 4) & 0xf;
                    word |= (nibble | ((qh >>> v) & 1) << 4) << (8 * e);
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
            FloatVector accMin = FloatVector.zero(F);
            IntVector shift = IntVector.zero(I).addIndex(1).add(p);
            long block = index / QK * BYTES;
            for (int xi = xOffset + p; xi < xOffset + n; xi += QK, block += BYTES) {
                int qh = data.get(Layouts.INT, block + 4);
                IntVector q = Lanes.bytes(data, block + 8 + p);
                IntVector q0 = Q5_0.low(q, qh, shift);
                IntVector q1 = Q5_0.high(q, qh, shift);
                FloatVector x0 = FloatVector.fromArray(F, x, xi);
                FloatVector x1 = FloatVector.fromArray(F, x, xi + QK / 2);
                FloatVector qx = Lanes.toFloat(q0).fma(x0, FloatVector.zero(F));
                qx = Lanes.toFloat(q1).fma(x1, qx);
                FloatVector xs = FloatVector.zero(F).add(x0).add(x1);
                acc = qx.fma(FloatVector.broadcast(F, Lanes.half(data, block)), acc);
                accMin = xs.fma(FloatVector.broadcast(F, Lanes.half(data, block + 2)), accMin);
            }
            acc.add(accMin).intoArray(lanes, p);
        }
        return LaneSum.of16(lanes, 0);
    }

    @Override
    public void quantize(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        long block = dstOffset;
        for (int s = srcOffset; s < srcOffset + n; s += QK, block += BYTES) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < QK; j++) {
                float v = src[s + j];
                if (v < min) min = v;
                if (v > max) max = v;
            }
            float d = (max - min) / 31;
            float id = d != 0 ? 1.0f / d : 0.0f;
            dst.set(Layouts.SHORT, block, Float.floatToFloat16(d));
            dst.set(Layouts.SHORT, block + 2, Float.floatToFloat16(min));
            int qh = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q0 = (int) ((src[s + j] - min) * id + 0.5f) & 0xff;
                int q1 = (int) ((src[s + QK / 2 + j] - min) * id + 0.5f) & 0xff;
                dst.set(Layouts.BYTE, block + 8 + j, (byte) ((q0 & 0xf) | ((q1 & 0xf) << 4)));
                qh |= ((q0 >> 4) & 1) << j;
                qh |= ((q1 >> 4) & 1) << (j + QK / 2);
            }
            dst.set(Layouts.INT, block + 4, qh);
        }
    }
}
