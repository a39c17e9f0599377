package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/** Brain float: the top 16 bits of an f32, so widening is a shift. */
public final class BF16 implements TensorFormat {
    public static final BF16 INSTANCE = new BF16();

    private BF16() {}

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    static float toFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    /** ggml's conversion: round to nearest even, NaNs kept quiet. */
    static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 64);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    @Override
    public void dequantize(MemorySegment data, long index, float[] out, int outOffset, int n) {
        int i = 0;
        for (int upper = Lanes.F.loopBound(n); i < upper; i += Lanes.N) {
            widen(data, (index + i) * 2).intoArray(out, outOffset + i);
        }
        for (; i < n; i++) {
            out[outOffset + i] = toFloat(data.get(Layouts.SHORT, (index + i) * 2));
        }
    }

    private static FloatVector widen(MemorySegment data, long offset) {
        ShortVector h = ShortVector.fromMemorySegment(Lanes.H, data, offset, ByteOrder.LITTLE_ENDIAN);
        return ((IntVector) h.convertShape(VectorOperators.S2I, Lanes.I, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    @Override
    public float dot(MemorySegment data, long index, float[] x, int xOffset, int n) {
        long base = index * 2;
        int upper = n & -Lanes.LOGICAL;
        float[] lanes = LaneSum.lanes();
        for (int p = 0; p < Lanes.LOGICAL; p += Lanes.N) { // logical lane l takes values l, l + 16, ... (see Lanes)
            FloatVector acc = FloatVector.zero(Lanes.F);
            for (int i = p; i < upper; i += Lanes.LOGICAL) {
                acc = widen(data, base + 2L * i).fma(FloatVector.fromArray(Lanes.F, x, xOffset + i), acc);
            }
            acc.intoArray(lanes, p);
        }
        float sum = LaneSum.of16(lanes, 0);
        for (int i = upper; i < n; i++) {
            sum += toFloat(data.get(Layouts.SHORT, (index + i) * 2)) * x[xOffset + i];
        }
        return sum;
    }

    @Override
    public void quantize(float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        for (int i = 0; i < n; i++) {
            dst.set(Layouts.SHORT, dstOffset + 2L * i, fromFloat(src[srcOffset + i]));
        }
    }
}
