package dev.specula.tensor.infra;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * The sum of a float vector's lanes in one fixed order: the upper half added onto the lower half until
 * one lane is left (lanes i + 8, i + 4, i + 2, i + 1). {@code reduceLanes(ADD)} adds in lane order while
 * interpreted and in another order once C2 has compiled it, and with inputs rounded to 8 bits or F16
 * downstream, that last bit would make a model's logits depend on JIT warm-up (measured: a Q5_0 greedy
 * token at margin 0.1 flipped between test orders).
 */
public final class LaneSum {
    private LaneSum() {}

    /**
     * The same sum over the first {@code n} floats of {@code a}, a vector's lanes stored there: for kernels
     * too large for C2 to inline {@link #of(FloatVector)} into, where passing the vector would box it.
     */
    public static float of(float[] a, int n) {
        if (n == 16) {
            float t0 = a[0] + a[8], t1 = a[1] + a[9], t2 = a[2] + a[10], t3 = a[3] + a[11];
            float t4 = a[4] + a[12], t5 = a[5] + a[13], t6 = a[6] + a[14], t7 = a[7] + a[15];
            return ((t0 + t4) + (t2 + t6)) + ((t1 + t5) + (t3 + t7));
        }
        if (n == 8) {
            float u0 = a[0] + a[4], u1 = a[1] + a[5], u2 = a[2] + a[6], u3 = a[3] + a[7];
            return (u0 + u2) + (u1 + u3);
        }
        if (n == 4) return (a[0] + a[2]) + (a[1] + a[3]);
        float sum = 0f;
        for (int i = 0; i < n; i++) sum += a[i];
        return sum;
    }

    /** The 16 logical lanes at {@code a[o..o+16)} ({@link Lanes#LOGICAL}), in the order above. */
    public static float of16(float[] a, int o) {
        float t0 = a[o] + a[o + 8], t1 = a[o + 1] + a[o + 9], t2 = a[o + 2] + a[o + 10], t3 = a[o + 3] + a[o + 11];
        float t4 = a[o + 4] + a[o + 12], t5 = a[o + 5] + a[o + 13], t6 = a[o + 6] + a[o + 14], t7 = a[o + 7] + a[o + 15];
        return ((t0 + t4) + (t2 + t6)) + ((t1 + t5) + (t3 + t7));
    }

    /** Lane i + h of a vector moved to lane i (mod {@link Lanes#N}): the steps of {@link #of16Vector}. */
    private static final VectorShuffle<Float> UP8 = rotation(8), UP4 = rotation(4), UP2 = rotation(2), UP1 = rotation(1);

    private static VectorShuffle<Float> rotation(int h) {
        return VectorShuffle.fromOp(Lanes.F, i -> (i + h) % Lanes.N);
    }

    /**
     * The bits of {@link #of16} over {@code a[o..o+16)}, with vector adds: the parts of {@link Lanes#N} lanes added
     * upper half onto lower half in the array (which this overwrites) down to one vector, then each half of that
     * vector added onto its lower half by a lane rotation. Each add has the operands of of16's, so the same bits;
     * a kernel with many short rows spends less here than in of16's 31 scalar loads and adds.
     */
    public static float of16Vector(float[] a, int o) {
        for (int w = Lanes.LOGICAL; w > Lanes.N; w /= 2) {
            for (int i = 0; i < w / 2; i += Lanes.N) {
                FloatVector.fromArray(Lanes.F, a, o + i).add(FloatVector.fromArray(Lanes.F, a, o + i + w / 2)).intoArray(a, o + i);
            }
        }
        FloatVector v = FloatVector.fromArray(Lanes.F, a, o);
        if (Lanes.N == 16) v = v.add(v.rearrange(UP8));
        if (Lanes.N >= 8) v = v.add(v.rearrange(UP4));
        v = v.add(v.rearrange(UP2));
        v = v.add(v.rearrange(UP1));
        return v.lane(0);
    }

    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[16]);

    /** Per-thread room for 16 logical lanes, for kernels that compute them a part at a time. */
    public static float[] lanes() {
        return LANES.get();
    }

    public static float of(FloatVector v) {
        int n = v.length();
        if (n == 16) {
            float t0 = v.lane(0) + v.lane(8), t1 = v.lane(1) + v.lane(9), t2 = v.lane(2) + v.lane(10), t3 = v.lane(3) + v.lane(11);
            float t4 = v.lane(4) + v.lane(12), t5 = v.lane(5) + v.lane(13), t6 = v.lane(6) + v.lane(14), t7 = v.lane(7) + v.lane(15);
            return ((t0 + t4) + (t2 + t6)) + ((t1 + t5) + (t3 + t7));
        }
        if (n == 8) {
            float u0 = v.lane(0) + v.lane(4), u1 = v.lane(1) + v.lane(5), u2 = v.lane(2) + v.lane(6), u3 = v.lane(3) + v.lane(7);
            return (u0 + u2) + (u1 + u3);
        }
        if (n == 4) return (v.lane(0) + v.lane(2)) + (v.lane(1) + v.lane(3));
        float sum = 0f;
        for (int i = 0; i < n; i++) sum += v.lane(i);
        return sum;
    }
}
