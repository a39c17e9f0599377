package dev.specula.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * LLaVA's mlp2x_gelu projector, named as llama.cpp's mmproj names it: y = W2 gelu(W0 x + b0) + b2,
 * from the vision tower's width to the language model's.
 */
public final class TrainableProjector {

    public final int in, hidden, out;
    public final Map<String, float[]> params = new LinkedHashMap<>(), grads = new LinkedHashMap<>();

    public TrainableProjector(int in, int hidden, int out, long seed) {
        this.in = in;
        this.hidden = hidden;
        this.out = out;
        Random r = new Random(seed);
        put("mm.0.weight", hidden * in, r, (float) (1 / Math.sqrt(in)));
        put("mm.0.bias", hidden, null, 0);
        put("mm.2.weight", out * hidden, r, (float) (1 / Math.sqrt(hidden)));
        put("mm.2.bias", out, null, 0);
    }

    private TrainableProjector(TrainableProjector shared) {
        this.in = shared.in;
        this.hidden = shared.hidden;
        this.out = shared.out;
        params.putAll(shared.params);
        for (var e : shared.params.entrySet()) grads.put(e.getKey(), new float[e.getValue().length]);
    }

    /** A view on the same parameters with its own gradients, for another worker thread. */
    public TrainableProjector sharingParameters() {
        return new TrainableProjector(this);
    }

    public void zeroGrad() {
        for (float[] g : grads.values()) java.util.Arrays.fill(g, 0);
    }

    public long parameterCount() {
        return params.values().stream().mapToLong(a -> a.length).sum();
    }

    private void put(String n, int size, Random r, float std) {
        float[] a = new float[size];
        if (r != null) for (int i = 0; i < size; i++) a[i] = (float) (r.nextGaussian() * std);
        params.put(n, a);
        grads.put(n, new float[size]);
    }

    /** Activations of one forward pass, kept for the backward. */
    public record Pass(float[] x, float[] pre, float[] act, float[] y, int rows) {}

    public Pass forward(float[] x, int rows) {
        float[] pre = new float[rows * hidden], act = new float[rows * hidden], y = new float[rows * out];
        Ops.linear(x, params.get("mm.0.weight"), pre, rows, in, hidden);
        addBias(pre, params.get("mm.0.bias"), rows);
        Ops.gelu(pre, act);
        Ops.linear(act, params.get("mm.2.weight"), y, rows, hidden, out);
        addBias(y, params.get("mm.2.bias"), rows);
        return new Pass(x, pre, act, y, rows);
    }

    /** ADDS parameter gradients for the output gradient {@code dy}. */
    public void backward(Pass p, float[] dy) {
        float[] dact = new float[p.rows() * hidden], dpre = new float[p.rows() * hidden];
        Ops.linearBackward(p.act(), params.get("mm.2.weight"), dy, dact, grads.get("mm.2.weight"), p.rows(), hidden, out);
        biasBackward(dy, grads.get("mm.2.bias"), p.rows());
        Ops.geluBackward(p.pre(), dact, dpre);
        Ops.linearBackward(p.x(), params.get("mm.0.weight"), dpre, null, grads.get("mm.0.weight"), p.rows(), in, hidden);
        biasBackward(dpre, grads.get("mm.0.bias"), p.rows());
    }

    private static void addBias(float[] y, float[] b, int rows) {
        for (int t = 0; t < rows; t++) for (int i = 0; i < b.length; i++) y[t * b.length + i] += b[i];
    }

    private static void biasBackward(float[] dy, float[] db, int rows) {
        for (int t = 0; t < rows; t++) for (int i = 0; i < db.length; i++) db[i] += dy[t * db.length + i];
    }
}
