package dev.specula.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.HashMap;
import java.util.Map;

/** AdamW with linear warm-up, cosine decay to 10% and global-norm gradient clipping. */
public final class AdamW {

    private final float peakLr, weightDecay, clip;
    private final int warmup, total;
    private final Map<String, float[]> m = new HashMap<>(), v = new HashMap<>();
    private int step;

    public AdamW(float peakLr, float weightDecay, float clip, int warmup, int total) {
        this.peakLr = peakLr;
        this.weightDecay = weightDecay;
        this.clip = clip;
        this.warmup = warmup;
        this.total = total;
    }

    /** The optimizer's moments and step count, for a checkpoint. */
    public Map<String, float[]> firstMoments() {
        return m;
    }

    public Map<String, float[]> secondMoments() {
        return v;
    }

    public int steps() {
        return step;
    }

    public void restore(int steps, Map<String, float[]> first, Map<String, float[]> second) {
        step = steps;
        m.clear();
        m.putAll(first);
        v.clear();
        v.putAll(second);
    }

    public float learningRate(int t) {
        if (t < warmup) return peakLr * (t + 1) / warmup;
        double progress = Math.min(1, (double) (t - warmup) / Math.max(1, total - warmup));
        return (float) (peakLr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress))));
    }

    /** One update; returns the gradient norm before clipping. Norm gains (1-D) get no weight decay. */
    public float step(Map<String, float[]> params, Map<String, float[]> grads, float gradScale) {
        double ss = 0;
        for (float[] g : grads.values()) ss += VecMath.dot(g, 0, g, 0, g.length);
        float norm = (float) Math.sqrt(ss) * gradScale;
        float scale = gradScale * (norm > clip ? clip / norm : 1);
        float lr = learningRate(step);
        step++;
        float b1 = 0.9f, b2 = 0.95f;
        float c1 = (float) (1 - Math.pow(b1, step)), c2 = (float) (1 - Math.pow(b2, step));
        for (var e : params.entrySet()) {
            float[] p = e.getValue(), g = grads.get(e.getKey());
            float[] mm = m.computeIfAbsent(e.getKey(), k -> new float[p.length]);
            float[] vv = v.computeIfAbsent(e.getKey(), k -> new float[p.length]);
            update(p, g, mm, vv, scale, lr, e.getKey().endsWith("norm.weight") ? 0 : weightDecay, b1, b2, c1, c2);
        }
        return norm;
    }

    /** In float vectors: 10M parameters took 18 ms a step in scalar double arithmetic. */
    private static void update(float[] p, float[] g, float[] mm, float[] vv, float scale, float lr, float decay,
                               float b1, float b2, float c1, float c2) {
        VectorSpecies<Float> s = VecMath.S;
        float mScale = 1 / c1, vScale = 1 / c2;
        int i = 0;
        for (int upper = s.loopBound(p.length); i < upper; i += s.length()) {
            FloatVector gi = FloatVector.fromArray(s, g, i).mul(scale);
            FloatVector mi = FloatVector.fromArray(s, mm, i).mul(b1).add(gi.mul(1 - b1));
            FloatVector vi = FloatVector.fromArray(s, vv, i).mul(b2).add(gi.mul(gi).mul(1 - b2));
            mi.intoArray(mm, i);
            vi.intoArray(vv, i);
            FloatVector upd = mi.mul(mScale).div(vi.mul(vScale).lanewise(VectorOperators.SQRT).add(1e-8f));
            FloatVector pi = FloatVector.fromArray(s, p, i);
            pi.sub(upd.add(pi.mul(decay)).mul(lr)).intoArray(p, i);
        }
        for (; i < p.length; i++) {
            float gi = g[i] * scale;
            mm[i] = b1 * mm[i] + (1 - b1) * gi;
            vv[i] = b2 * vv[i] + (1 - b2) * gi * gi;
            float upd = (mm[i] * mScale) / ((float) Math.sqrt(vv[i] * vScale) + 1e-8f);
            p[i] -= lr * (upd + p[i] * decay);
        }
    }
}
