package dev.specula.train;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The projector MLP and the image-prefix path into the decoder, against finite differences of the loss. */
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

    private static double loss(TrainableLlama lm, TrainableProjector proj, float[] f, int rows, int[] ids, int[] targets) {
        float[] logits = lm.logits(proj.forward(f, rows).y(), rows, ids);
        return Ops.crossEntropy(logits, targets, new float[logits.length], lm.shape.vocab());
    }
}
