package dev.specula.train;

import java.util.Random;

/**
 * Times one training step ({@link TrainableLlama#lossAndBackward}) and splits it by op kind, at a
 * shape like the demo target's. A main in test sources, outside the suite:
 * {@code java --add-modules jdk.incubator.vector -cp specula-core/target/classes:specula-core/target/test-classes dev.specula.train.TrainStepBench [T] [steps] [step-only]}
 */
public final class TrainStepBench {

    public static void main(String[] args) {
        int T = args.length > 0 ? Integer.parseInt(args[0]) : 80, steps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        var s = new TrainableLlama.Shape(600, 384, 6, 6, 2, 1024, 256);
        TrainableLlama m = new TrainableLlama(s, 1);
        Random r = new Random(2);
        int[] ids = new int[T], targets = new int[T];
        for (int t = 0; t < T; t++) { ids[t] = r.nextInt(s.vocab()); targets[t] = r.nextInt(s.vocab()); }
        System.out.printf("shape %s, T=%d, %d parameters, %s%n", s, T, m.parameterCount(), jdk.incubator.vector.FloatVector.SPECIES_PREFERRED);
        for (int i = 0; i < 5; i++) { m.zeroGrad(); m.lossAndBackward(ids, targets); }
        long best = Long.MAX_VALUE, total = 0, bestCpu = Long.MAX_VALUE;
        for (int i = 0; i < steps; i++) {
            m.zeroGrad();
            long t0 = System.nanoTime(), c0 = cpu();
            m.lossAndBackward(ids, targets);
            long dt = System.nanoTime() - t0;
            bestCpu = Math.min(bestCpu, cpu() - c0);
            best = Math.min(best, dt);
            total += dt;
        }
        // thread CPU time is the steadier number on a shared machine; wall time includes waiting for a core
        System.out.printf("lossAndBackward: wall best %.1f ms, mean %.1f ms; thread CPU best %.1f ms -> %.0f tokens/s per core%n",
                best / 1e6, total / 1e6 / steps, bestCpu / 1e6, T / (bestCpu / 1e9));
        if (args.length > 2 && args[2].equals("step-only")) return;
        profile(s, T, r);
        AdamW opt = new AdamW(1e-3f, 0.01f, 1f, 10, 1000);
        TrainableLlama other = m.sharingParameters();
        double adam = best(() -> opt.step(m.params, m.grads, 0.125f));
        double sum = best(() -> { // as Trainer.train sums a second worker's gradients
            for (var e : other.grads.entrySet()) {
                float[] dst = m.grads.get(e.getKey()), src = e.getValue();
                for (int i = 0; i < dst.length; i++) dst[i] += src[i];
            }
        });
        System.out.printf("per optimizer step (thread CPU ms, best of 10): AdamW.step %.1f, summing one worker's gradients %.1f%n", adam, sum);
    }

    /** The ops of one step at the step's shapes, timed by kind (best of 10 for each kind). */
    private static void profile(TrainableLlama.Shape s, int T, Random r) {
        int d = s.dim(), kv = s.kvHeads() * s.headSize(), ff = s.ff(), L = s.layers(), V = s.vocab(), H = s.heads(), hs = s.headSize();
        int[][] shapes = {{d, d}, {d, kv}, {d, kv}, {d, d}, {d, ff}, {d, ff}, {ff, d}, {d, V}}; // {in, out}; the last once, the rest per layer
        int n = shapes.length;
        float[][] xs = new float[n][], ws = new float[n][], ys = new float[n][], dxs = new float[n][], dws = new float[n][];
        for (int i = 0; i < n; i++) {
            int in = shapes[i][0], out = shapes[i][1];
            xs[i] = rand(r, T * in); ws[i] = rand(r, in * out); ys[i] = rand(r, T * out); dxs[i] = new float[T * in]; dws[i] = new float[in * out];
        }
        double lin = best(() -> {
            for (int i = 0; i < n; i++) for (int l = 0; l < (i == n - 1 ? 1 : L); l++) Ops.linear(xs[i], ws[i], ys[i], T, shapes[i][0], shapes[i][1]);
        });
        double linB = best(() -> {
            for (int i = 0; i < n; i++) for (int l = 0; l < (i == n - 1 ? 1 : L); l++)
                Ops.linearBackward(xs[i], ws[i], ys[i], dxs[i], dws[i], T, shapes[i][0], shapes[i][1]);
        });
        float[] q = rand(r, T * d), k = rand(r, T * kv), v = rand(r, T * kv), p = new float[H * T * T], o = new float[T * d];
        double att = best(() -> { for (int l = 0; l < L; l++) Ops.attention(q, k, v, p, o, T, H, s.kvHeads(), hs); });
        double attB = best(() -> {
            for (int l = 0; l < L; l++) Ops.attentionBackward(q, k, v, p, o, new float[T * d], new float[T * kv], new float[T * kv], T, H, s.kvHeads(), hs);
        });
        float[] x = rand(r, T * d), g = rand(r, d), y = new float[T * d], a = rand(r, T * ff), b = rand(r, T * ff), h = new float[T * ff], lg = rand(r, T * V);
        double norm = best(() -> {
            for (int l = 0; l < L; l++) for (int j = 0; j < 2; j++) {
                Ops.rmsNorm(x, g, y, T, d, 1e-5f);
                Ops.rmsNormBackward(x, g, y, new float[T * d], new float[d], T, d, 1e-5f);
            }
        });
        double glu = best(() -> {
            for (int l = 0; l < L; l++) { Ops.swiglu(a, b, h); Ops.swigluBackward(a, b, h, new float[T * ff], new float[T * ff]); }
        });
        double rope = best(() -> {
            for (int l = 0; l < L; l++) for (int j = 0; j < 2; j++) { Ops.rope(q, T, H, hs, 0, 10000f, j == 1); Ops.rope(k, T, s.kvHeads(), hs, 0, 10000f, j == 1); }
        });
        double ce = best(() -> Ops.crossEntropy(lg, new int[T], new float[T * V], V));
        System.out.printf("profile (thread CPU ms, best of 10): linear %.1f, linearBackward %.1f, attention %.1f, attentionBackward %.1f, "
                + "rmsNorm fwd+bwd %.1f, swiglu fwd+bwd %.1f, rope %.1f, crossEntropy %.1f%n", lin, linB, att, attB, norm, glu, rope, ce);
    }

    private static long cpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static double best(Runnable body) {
        double b = Double.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            long t0 = cpu();
            body.run();
            b = Math.min(b, (cpu() - t0) / 1e6);
        }
        return b;
    }

    private static float[] rand(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian() * 0.5f;
        return a;
    }
}
