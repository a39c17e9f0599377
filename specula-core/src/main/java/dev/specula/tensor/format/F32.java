package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;
import dev.specula.tensor.kernel.MatMul;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/** 32-bit floats, as stored. */
public final class F32 implements TensorFormat {
    public static final F32 INSTANCE = new F32();
    private static final VectorSpecies<Float> S = Lanes.F;

    private F32() {}

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public void dequantize(MemorySegment data, long index, float[] out, int outOffset, int n) {
        MemorySegment.copy(data, Layouts.FLOAT, index * 4, out, outOffset, n);
    }

    @Override
    public float dot(MemorySegment data, long index, float[] x, int xOffset, int n) {
        long base = index * 4;
        int upper = n & -Lanes.LOGICAL;
        float[] lanes = LaneSum.lanes();
        for (int p = 0; p < Lanes.LOGICAL; p += Lanes.N) { // logical lane l takes values l, l + 16, ... (see Lanes)
            FloatVector acc = FloatVector.zero(S);
            for (int i = p; i < upper; i += Lanes.LOGICAL) {
                FloatVector w = FloatVector.fromMemorySegment(S, data, base + 4L * i, ByteOrder.LITTLE_ENDIAN);
                acc = w.fma(FloatVector.fromArray(S, x, xOffset + i), acc);
            }
            acc.intoArray(lanes, p);
        }
        float sum = LaneSum.of16(lanes, 0);
        for (int i = upper; i < n; i++) {
            sum += data.getAtIndex(Layouts.FLOAT, index + i) * x[xOffset + i];
        }
        return sum;
    }

    /**
     * Each (row, input) with the bits of {@link #dot}, whatever the batch, but each weight read once for up to
     * {@value F32Rows#MAX_BATCH} inputs ({@link F32Rows}); batches that share tiles keep {@link MatMul#tiled}.
     */
    @Override
    public void matmulRows(MemorySegment data, int cols, int rowStart, int rowEnd,
                           float[] x, int batch, float[] out, int outStride) {
        if (TensorFormat.sharesTiles(batch, cols)) {
            MatMul.tiled(this, data, cols, rowStart, rowEnd, x, batch, out, outStride);
        } else {
            F32Rows.multiply(data, cols, rowStart, rowEnd, x, batch, out, outStride);
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        MemorySegment.copy(src, srcOffset, dst, Layouts.FLOAT, dstOffset, n);
    }
}
