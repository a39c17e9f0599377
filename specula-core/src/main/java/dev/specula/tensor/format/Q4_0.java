package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;
import dev.specula.tensor.kernel.MatMul;
import dev.specula.tensor.kernel.Product;
import dev.specula.tensor.kernel.Q4_0Lanes;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * ggml's {@code block_q4_0}: 32 values as a half-precision scale {@code d} followed by 16 bytes of
 * nibbles; byte j holds value j in its low nibble and value j + 16 in its high one, value = (q - 8) * d
 * (18 bytes per block).
 */
public final class Q4_0 implements TensorFormat {
    public static final Q4_0 INSTANCE = new Q4_0();

    static final int BLOCK = 32;
    static final int BYTES = 18;
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final int L = S.length();

    private Q4_0() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    // No helper methods that take or return vectors: see Q8_0. The high nibbles are shifted on int lanes
    // because x86 has no byte shift (C2 would emulate one); the bits that cross into a neighbouring byte
    // land in its high nibble, which the mask clears.

    @Override
    public void dequantize(MemorySegment data, long index, float[] out, int outOffset, int n) {
        long off = index / BLOCK * BYTES;
        for (int o = outOffset, end = outOffset + n; o < end; o += BLOCK, off += BYTES) {
            float d = Float.float16ToFloat(data.get(Layouts.SHORT, off));
            for (int h = 0; h < BLOCK / 2; h += L) {
                ByteVector q = Lanes.byteVector(data, off + 2 + h);
                ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
                ByteVector hi = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                        .and((byte) 0x0F).sub((byte) 8);
                ((FloatVector) lo.convertShape(VectorOperators.B2F, S, 0)).mul(d).intoArray(out, o + h);
                ((FloatVector) hi.convertShape(VectorOperators.B2F, S, 0)).mul(d).intoArray(out, o + BLOCK / 2 + h);
            }
        }
    }

    /**
     * In llama.cpp's order ({@link Q4_0Lanes}: per output, block after block, one FMA of the exact integer dot with
     * {@code dw * dx}), on inputs rounded through Q8_0 as {@link Product} passes them, at every batch size (llama.cpp's
     * batched kernel adds in the same order, and this is faster than {@link MatMul#tiled} there too); each group of
     * rows is repacked on the way. Products of a {@code Matrix} run the same kernel on a repacked copy kept with it.
     */
    @Override
    public void matmulRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                           PreparedInputs in, float[] out, int outStride) {
        Q4_0Lanes.multiplyFileLayout(data, cols, rowStart, rowEnd, in.lanes, in.batch, out, outStride);
    }

    /** The inputs in the kernel's order ({@link Q4_0Lanes.Inputs}), once per product. */
    @Override
    public void prepareInputs(PreparedInputs in) {
        in.lanes.build(in.x, in.batch, in.cols);
    }

    /** {@link Q4_0Lanes#dot}: {@link #matmulRows}' value, the input rounded through Q8_0 first. */
    @Override
    public float dot(MemorySegment data, long index, float[] x, int xOffset, int n) {
        return Q4_0Lanes.dot(data, index, x, xOffset, n);
    }

    /**
     * llama.cpp's {@code quantize_row_q4_0_ref}: d = -(the value of largest magnitude) / 8, so that value
     * maps to nibble 0; q = min(15, trunc(x / d + 8.5)).
     */
    @Override
    public void quantize(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        for (int b = 0; b < n / BLOCK; b++) {
            int s = srcOffset + b * BLOCK;
            long o = dstOffset + (long) b * BYTES;
            float amax = 0f;
            float max = 0f;
            for (int j = 0; j < BLOCK; j++) {
                float v = src[s + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8;
            float id = d != 0f ? 1.0f / d : 0f;
            dst.set(Layouts.SHORT, o, Float.floatToFloat16(d));
            for (int j = 0; j < BLOCK / 2; j++) {
                int lo = Math.min(15, (int) (src[s + j] * id + 8.5f));
                int hi = Math.min(15, (int) (src[s + BLOCK / 2 + j] * id + 8.5f));
                dst.set(Layouts.BYTE, o + 2 + j, (byte) (lo | hi << 4));
            }
        }
    }

}
