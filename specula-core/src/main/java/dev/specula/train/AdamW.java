package dev.specula.train;

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
        for (float[] g : grads.values()) for (float x : g) ss += (double) x * x;
        float norm = (float) Math.sqrt(ss) * gradScale;
        float scale = gradScale * (norm > clip ? clip / norm : 1);
        float lr = learningRate(step);
        step++;
        double b1 = 0.9, b2 = 0.95;
        double c1 = 1 - Math.pow(b1, step), c2 = 1 - Math.pow(b2, step);
        for (var e : params.entrySet()) {
            float[] p = e.getValue(), g = grads.get(e.getKey());
            float[] mm = m.computeIfAbsent(e.getKey(), k -> new float[p.length]);
            float[] vv = v.computeIfAbsent(e.getKey(), k -> new float[p.length]);
            boolean decay = !e.getKey().endsWith("norm.weight");
            for (int i = 0; i < p.length; i++) {
                float gi = g[i] * scale;
                mm[i] = (float) (b1 * mm[i] + (1 - b1) * gi);
                vv[i] = (float) (b2 * vv[i] + (1 - b2) * gi * gi);
                double upd = (mm[i] / c1) / (Math.sqrt(vv[i] / c2) + 1e-8);
                p[i] -= (float) (lr * (upd + (decay ? weightDecay * p[i] : 0)));
            }
        }
        return norm;
    }
}
