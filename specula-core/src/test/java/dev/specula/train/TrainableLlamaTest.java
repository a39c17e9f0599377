package dev.specula.train;

import dev.specula.model.LlamaModel;
import dev.specula.synth.SynthVocabulary;
import dev.specula.tensor.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class TrainableLlamaTest {

    private static final TrainableLlama.Shape TINY = new TrainableLlama.Shape(300, 16, 2, 4, 2, 24, 64);

    private static int[] randomIds(Random r, int n, int vocab) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = r.nextInt(vocab);
        return a;
    }

    @Test
    void wholeModelGradientMatchesFiniteDifferences() {
        TrainableLlama m = new TrainableLlama(new TrainableLlama.Shape(20, 8, 2, 4, 2, 12, 16), 1);
        Random r = new Random(2);
        int[] ids = randomIds(r, 6, 20), targets = randomIds(r, 6, 20);
        targets[0] = -1; // masked prompt position
        m.zeroGrad();
        m.lossAndBackward(ids, targets);
        float eps = 1e-2f;
        for (var e : m.params.entrySet()) {
            float[] p = e.getValue(), g = m.grads.get(e.getKey());
            for (int trial = 0; trial < 6; trial++) {
                int i = r.nextInt(p.length);
                float keep = p[i];
                p[i] = keep + eps;
                double up = lossOnly(m, ids, targets);
                p[i] = keep - eps;
                double down = lossOnly(m, ids, targets);
                p[i] = keep;
                double numeric = (up - down) / (2 * eps);
                assertEquals(numeric, g[i], 1e-2 * Math.max(0.1, Math.abs(numeric)) + 2e-3, e.getKey() + "[" + i + "]");
            }
        }
    }

    private static double lossOnly(TrainableLlama m, int[] ids, int[] targets) {
        float[] logits = m.logits(ids);
        return Ops.crossEntropy(logits, targets, new float[logits.length], m.shape.vocab());
    }

    @Test
    void shortTrainingLowersTheLoss() {
        TrainableLlama m = new TrainableLlama(TINY, 3);
        // a repeating pattern the model can learn in a few dozen steps
        int[] seq = new int[24];
        for (int i = 0; i < seq.length; i++) seq[i] = 260 + (i * 7) % 11;
        int[] ids = java.util.Arrays.copyOf(seq, seq.length - 1), targets = java.util.Arrays.copyOfRange(seq, 1, seq.length);
        AdamW opt = new AdamW(1e-2f, 0.01f, 1f, 5, 60);
        float first = 0, last = 0;
        for (int step = 0; step < 60; step++) {
            m.zeroGrad();
            float loss = m.lossAndBackward(ids, targets);
            if (step == 0) first = loss;
            last = loss;
            opt.step(m.params, m.grads, 1f);
        }
        assertTrue(last < first * 0.3, "loss " + first + " -> " + last);
    }

    @Test
    void writtenGgufLoadsIntoTheEngineWithTheSameLogits(@TempDir Path dir) throws Exception {
        TrainableLlama m = new TrainableLlama(TINY, 4);
        Path file = dir.resolve("tiny.gguf");
        TrainedGguf.writeLlama(file, m, "tiny", SynthVocabulary.builtIn(TINY.vocab()));
        int[] ids = randomIds(new Random(5), 7, TINY.vocab());
        float[] mine = m.logits(ids);
        try (LlamaModel engine = LlamaModel.open(file, new Parallel(1), LlamaModel.Options.defaults())) {
            float[] theirs = new float[ids.length * TINY.vocab()];
            engine.forward(ids, ids.length, ids.length, theirs);
            for (int i = 0; i < mine.length; i++) assertEquals(mine[i], theirs[i], 1e-3f + 1e-3f * Math.abs(mine[i]), "logit " + i);
        }
    }

    @Test
    void twoWorkerThreadsTrainLikeOne() throws Exception {
        Random r = new Random(6);
        java.util.List<Trainer.Sequence> data = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int[] ids = randomIds(r, 10, TINY.vocab()), targets = randomIds(r, 10, TINY.vocab());
            targets[0] = -1;
            data.add(new Trainer.Sequence(ids, targets));
        }
        TrainableLlama one = new TrainableLlama(TINY, 7), two = new TrainableLlama(TINY, 7);
        var a = Trainer.train(one, data, 10, 4, new AdamW(3e-3f, 0.01f, 1f, 2, 10), 1, 8, null);
        var b = Trainer.train(two, data, 10, 4, new AdamW(3e-3f, 0.01f, 1f, 2, 10), 2, 8, null);
        for (int i = 0; i < a.size(); i++) assertEquals(a.get(i), b.get(i), 1e-3f, "step " + i);
        assertTrue(a.getLast() < a.getFirst());
    }
}
