package dev.specula.train;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The projector MLP and the image-prefix path into the decoder, against finite differences of the loss; soft targets with an image. */
class ProjectorGradientTest {

    @Test
    void projectorThroughTheDecoderMatchesFiniteDifferences() {
        Random r = new Random(11);
        TrainableLlama lm = new TrainableLlama(new TrainableLlama.Shape(20, 8, 1, 4, 2, 12, 16), 1);
        TrainableProjector proj = new TrainableProjector(5, 6, 8, 2);
        int rows = 3;
        float[] features = new float[rows * 5];
        for (int i = 0; i < features.length; i++) features[i] = (float) r.nextGaussian();
        int[] ids = {3, 7, 1, 9};
        int[] targets = {-1, -1, 4, 5, 6, 2, 8}; // prefix rows and tokens
        TrainableProjector.Pass pass = proj.forward(features, rows);
        float[] dPrefix = new float[rows * 8];
        lm.lossAndBackward(pass.y(), rows, ids, targets, dPrefix);
        proj.backward(pass, dPrefix);
        float eps = 1e-2f;
        for (var e : proj.params.entrySet()) {
            float[] p = e.getValue(), g = proj.grads.get(e.getKey());
            for (int trial = 0; trial < 8; trial++) {
                int i = r.nextInt(p.length);
                float keep = p[i];
                p[i] = keep + eps;
                double up = loss(lm, proj, features, rows, ids, targets);
                p[i] = keep - eps;
                double down = loss(lm, proj, features, rows, ids, targets);
                p[i] = keep;
                double numeric = (up - down) / (2 * eps);
                assertEquals(numeric, g[i], 1e-2 * Math.max(0.1, Math.abs(numeric)) + 2e-3, e.getKey() + "[" + i + "]");
            }
        }
    }

    @Test
    void imageAfterTheFirstTokenMatchesFiniteDifferences() {
        // The engine's prompt puts the image after BOS: gradients must reach the projector and every token row.
        Random r = new Random(12);
        VisionLanguageModel m = new VisionLanguageModel(new TrainableLlama(new TrainableLlama.Shape(20, 8, 1, 4, 2, 12, 16), 3),
                new TrainableProjector(5, 6, 8, 4));
        int rows = 3;
        float[] features = new float[rows * 5];
        for (int i = 0; i < features.length; i++) features[i] = (float) r.nextGaussian();
        Trainer.Sequence seq = new Trainer.Sequence(new int[] {1, 7, 3, 9}, new int[] {-1, -1, -1, -1, 3, 9, 2}, 1, features, rows);
        m.zeroGrad();
        m.lossAndBackward(seq);
        java.util.Map<String, float[]> grads = new java.util.HashMap<>();
        m.grads().forEach((k, v) -> grads.put(k, v.clone()));
        float eps = 1e-2f;
        for (String name : new String[] {"mm.0.weight", "mm.2.bias", "token_embd.weight", "blk.0.attn_q.weight"}) {
            float[] p = m.params().get(name), g = grads.get(name);
            for (int trial = 0; trial < 8; trial++) {
                int i = name.equals("token_embd.weight") ? new int[] {1, 7, 3, 9}[trial % 4] * 8 + r.nextInt(8) : r.nextInt(p.length);
                float keep = p[i];
                p[i] = keep + eps;
                double up = m.lossAndBackward(seq);
                p[i] = keep - eps;
                double down = m.lossAndBackward(seq);
                p[i] = keep;
                double numeric = (up - down) / (2 * eps);
                assertEquals(numeric, g[i], 1e-2 * Math.max(0.1, Math.abs(numeric)) + 2e-3, name + "[" + i + "]");
            }
        }
    }

    @Test
    void softTargetsWithAnImageMixTheLossesOfTheirTargets() {
        // Soft ids are per position, image rows included. With the same two soft ids' probabilities at every
        // answer position, the loss is (1 - w)·L(targets) + w·(p·L(first ids) + (1 - p)·L(second ids)),
        // each L an ordinary cross-entropy, and so is every gradient.
        Random r = new Random(13);
        VisionLanguageModel m = new VisionLanguageModel(new TrainableLlama(new TrainableLlama.Shape(20, 8, 1, 4, 2, 12, 16), 5),
                new TrainableProjector(5, 6, 8, 6));
        int rows = 3, k = 2;
        float[] features = new float[rows * 5];
        for (int i = 0; i < features.length; i++) features[i] = (float) r.nextGaussian();
        int[] ids = {1, 7, 3, 9};
        int[] targets = {-1, -1, -1, -1, 3, 9, 2}, first = {-1, -1, -1, -1, 11, 4, 17}, second = {-1, -1, -1, -1, 6, 13, 8};
        float p = 0.7f, w = 0.4f;
        int[] softIds = new int[targets.length * k];
        float[] probs = new float[targets.length * k];
        java.util.Arrays.fill(softIds, -1);
        for (int t = 0; t < targets.length; t++) {
            if (targets[t] < 0) continue;
            softIds[t * k] = first[t];
            softIds[t * k + 1] = second[t];
            probs[t * k] = p;
            probs[t * k + 1] = 1 - p;
        }
        Trainer.Soft soft = new Trainer.Soft(k, softIds, probs, w);
        float[] weights = {1, 1, 1, 1, 1, 2, 1};

        java.util.Map<String, float[]> gSoft = new java.util.HashMap<>();
        double lossSoft = lossAndGrads(m, new Trainer.Sequence(ids, targets, 1, features, rows, weights, soft), gSoft);
        java.util.Map<String, float[]> g0 = new java.util.HashMap<>(), g1 = new java.util.HashMap<>(), g2 = new java.util.HashMap<>();
        double l0 = lossAndGrads(m, new Trainer.Sequence(ids, targets, 1, features, rows, weights, null), g0);
        double l1 = lossAndGrads(m, new Trainer.Sequence(ids, first, 1, features, rows, weights, null), g1);
        double l2 = lossAndGrads(m, new Trainer.Sequence(ids, second, 1, features, rows, weights, null), g2);

        assertTrue(Math.abs(lossSoft - l0) > 0.05, "the soft targets change the loss: " + lossSoft + " vs " + l0);
        assertEquals((1 - w) * l0 + w * (p * l1 + (1 - p) * l2), lossSoft, 1e-5 * Math.abs(lossSoft));
        for (String name : gSoft.keySet()) {
            float[] g = gSoft.get(name), a = g0.get(name), b = g1.get(name), c = g2.get(name);
            double scale = 0;
            for (float v : g) scale = Math.max(scale, Math.abs(v));
            assertTrue(scale > 0, name + " has a gradient");
            for (int i = 0; i < g.length; i++) {
                double mix = (1 - w) * a[i] + w * (p * b[i] + (1 - p) * c[i]);
                assertEquals(mix, g[i], 1e-4 * scale, name + "[" + i + "]");
            }
        }
    }

    private static double lossAndGrads(Trainable m, Trainer.Sequence s, java.util.Map<String, float[]> grads) {
        m.zeroGrad();
        double loss = m.lossAndBackward(s);
        m.grads().forEach((k, v) -> grads.put(k, v.clone()));
        return loss;
    }

    private static double loss(TrainableLlama lm, TrainableProjector proj, float[] f, int rows, int[] ids, int[] targets) {
        float[] logits = lm.logits(proj.forward(f, rows).y(), rows, ids);
        return Ops.crossEntropy(logits, targets, new float[logits.length], lm.shape.vocab());
    }
}
