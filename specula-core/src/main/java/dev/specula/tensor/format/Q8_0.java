package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;
import dev.specula.tensor.kernel.MatMul;
import dev.specula.tensor.kernel.Product;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * ggml's {@code block_q8_0}: 32 values as a half-precision scale {@code d} followed by 32 signed bytes,
 * value = q * d (34 bytes per block).
 */
public final class Q8_0 implements TensorFormat {
    public static final Q8_0 INSTANCE = new Q8_0();

    static final int BLOCK = 32;
    static final int BYTES = 34;
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final int L = S.length();

    private Q8_0() {}

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    // No helper methods that take or return vectors: C2 declines to inline a callee it has already compiled
    // into a medium-sized method, and a vector crossing a call that is not inlined is boxed (measured: 50 KB
    // per product). ProductTest checks that products allocate nothing.

    @Override
    public void dequantize(MemorySegment data, long index, float[] out, int outOffset, int n) {
        long off = index / BLOCK * BYTES;
        for (int o = outOffset, end = outOffset + n; o < end; o += BLOCK, off += BYTES) {
            float d = Float.float16ToFloat(data.get(Layouts.SHORT, off));
            for (int h = 0; h < BLOCK; h += L) {
                ByteVector q = Lanes.byteVector(data, off + 2 + h);
                ((FloatVector) q.convertShape(VectorOperators.B2F, S, 0)).mul(d).intoArray(out, o + h);
            }
        }
    }

    /** The inputs, rounded through Q8_0, as llama.cpp's integers ({@link Q8Dot.Inputs}), once per product. */
    @Override
    public void prepareInputs(PreparedInputs in) {
        if (!TensorFormat.sharesTiles(in.batch, in.cols)) in.q8.from(in.x, in.batch, in.cols);
    }

    /**
     * The product over inputs rounded through Q8_0 (as {@link Product} passes them) in llama.cpp's order
     * ({@link Q8Dot}), so that a Q8_0 model's logits are llama.cpp's bit for bit; batches of
     * {@link TensorFormat#SHARED_TILE_BATCH} and more share dequantized tiles instead ({@link MatMul#tiled}).
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
        int blocks = cols / BLOCK;
        Q8Dot.Row w = Q8Dot.row(blocks);
        for (int r = rowStart; r < rowEnd; r++) {
            long off = (long) r * blocks * BYTES;
            for (int k = 0; k < blocks; k++, off += BYTES) {
                w.d[k] = Lanes.half(data, off);
                MemorySegment.copy(data, Layouts.INT, off + 2, w.q, 8 * k, 8);
            }
            for (int b = 0; b < batch; b++) out[b * outStride + r] = Q8Dot.dot(w, in, b * blocks, blocks, false);
        }
    }

    /**
     * The float kernel for any input (products go through {@link #matmulRows}): each weight q·d rounded to
     * float, one accumulator, the block's low half then its high half. Logical lane l (see {@link Lanes}) takes
     * values l and 16 + l of each block.
     */
    @Override
    public float dot(MemorySegment data, long index, float[] x, int xOffset, int n) {
        int blocks = n / BLOCK;
        float[] lanes = LaneSum.lanes();
        // two parts a pass where there are two (q = p + L), so that their FMA chains overlap: one chain alone ran
        // 3x slower at 8 lanes; at 16 lanes the one part goes alone (q = p, its result stored twice)
        for (int p = 0; p < Lanes.LOGICAL; p += 2 * L) {
            int q = L < Lanes.LOGICAL ? p + L : p;
            long off = index / BLOCK * BYTES;
            FloatVector accP = FloatVector.zero(S), accQ = FloatVector.zero(S);
            for (int i = 0, xi = xOffset; i < blocks; i++, off += BYTES, xi += BLOCK) {
                float d = Float.float16ToFloat(data.get(Layouts.SHORT, off));
                FloatVector lo = ((FloatVector) Lanes.byteVector(data, off + 2 + p).convertShape(VectorOperators.B2F, S, 0)).mul(d);
                FloatVector hi = ((FloatVector) Lanes.byteVector(data, off + 18 + p).convertShape(VectorOperators.B2F, S, 0)).mul(d);
                accP = lo.fma(FloatVector.fromArray(S, x, xi + p), accP);
                accP = hi.fma(FloatVector.fromArray(S, x, xi + 16 + p), accP);
                if (q != p) {
                    lo = ((FloatVector) Lanes.byteVector(data, off + 2 + q).convertShape(VectorOperators.B2F, S, 0)).mul(d);
                    hi = ((FloatVector) Lanes.byteVector(data, off + 18 + q).convertShape(VectorOperators.B2F, S, 0)).mul(d);
                    accQ = lo.fma(FloatVector.fromArray(S, x, xi + q), accQ);
                    accQ = hi.fma(FloatVector.fromArray(S, x, xi + 16 + q), accQ);
                }
            }
            accP.intoArray(lanes, p);
            if (q != p) accQ.intoArray(lanes, q);
        }
        return LaneSum.of16(lanes, 0);
    }

    /** llama.cpp's {@code quantize_row_q8_0_ref}: d = max|x| / 127, q = round half away from zero (x / d). */
    @Override
    public void quantize(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        for (int b = 0; b < n / BLOCK; b++) {
            int s = srcOffset + b * BLOCK;
            long o = dstOffset + (long) b * BYTES;
            float amax = 0f;
            for (int j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(src[s + j]));
            float d = amax / 127;
            float id = d != 0f ? 1.0f / d : 0f;
            dst.set(Layouts.SHORT, o, Float.floatToFloat16(d));
            for (int j = 0; j < BLOCK; j++) {
                dst.set(Layouts.BYTE, o + 2 + j, (byte) roundHalfAway(src[s + j] * id));
            }
        }
    }

    /** C's {@code roundf}; {@link Math#round} rounds negative halves up instead. */
    static int roundHalfAway(float v) {
        return (int) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }

}
