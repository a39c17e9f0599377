package dev.specula.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Trains a {@link TrainableLlama} on prompt/answer pairs with cross-entropy on the answer tokens
 * only. Each step's batch is split over worker threads, each with its own gradient buffers over
 * the shared parameters; the gradients are summed before the AdamW update.
 */
public final class Trainer {

    /**
     * A tokenized example: position t predicts targets[t], -1 over the prompt. With an image,
     * {@code imageRows} rows of vision {@code features} sit after the first {@code imageAt} tokens and
     * {@code targets} covers them too (as -1). {@code weights} (null: all 1) scales each position's
     * gradient, e.g. to stress the one token that decides a multiple-choice answer.
     */
    public record Sequence(int[] ids, int[] targets, int imageAt, float[] features, int imageRows, float[] weights, Soft soft) {
        public Sequence(int[] ids, int[] targets) {
            this(ids, targets, 0, null, 0, null, null);
        }

        public Sequence(int[] ids, int[] targets, int imageAt, float[] features, int imageRows) {
            this(ids, targets, imageAt, features, imageRows, null, null);
        }

        public Sequence {
            if (targets.length != ids.length + imageRows) {
                throw new IllegalArgumentException(targets.length + " targets for " + ids.length + " tokens and " + imageRows + " image rows");
            }
            if (soft != null && soft.ids().length != targets.length * soft.k()) {
                throw new IllegalArgumentException(soft.ids().length + " soft targets for " + targets.length + " positions of " + soft.k());
            }
        }
    }

    /**
     * Soft targets for distilling logits: for position t (as in {@link Sequence#targets}, image rows included),
     * {@code ids[t*k .. t*k+k)} (-1 where unused) with probabilities summing to 1. Where present, a position
     * learns the mix (1 - weight)·one-hot(target) + weight·these probabilities, i.e.
     * (1 - weight)·cross-entropy + weight·KL(probabilities ‖ model) + a constant.
     */
    public record Soft(int k, int[] ids, float[] probs, float weight) {
        public Soft {
            if (ids.length != probs.length) throw new IllegalArgumentException(ids.length + " ids, " + probs.length + " probabilities");
            if (!(weight >= 0 && weight <= 1)) throw new IllegalArgumentException("soft weight must be in [0, 1], got " + weight);
        }
    }

    public interface Listener {
        void step(int step, int total, float loss);
    }

    public static List<Float> train(Trainable model, List<Sequence> data, int steps, int batch, AdamW opt,
                                    int threads, long seed, Listener listener) throws Exception {
        List<Trainable> workers = new ArrayList<>();
        workers.add(model);
        for (int i = 1; i < threads; i++) workers.add(model.worker());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        List<Float> losses = new ArrayList<>();
        try {
            for (int step = 0; step < steps; step++) {
                int[] pick = new int[batch];
                for (int b = 0; b < batch; b++) pick[b] = rnd.nextInt(data.size());
                List<Future<Float>> parts = new ArrayList<>();
                for (int w = 0; w < threads; w++) {
                    int wi = w;
                    parts.add(pool.submit(() -> {
                        Trainable m = workers.get(wi);
                        m.zeroGrad();
                        float sum = 0;
                        for (int b = wi; b < batch; b += threads) sum += m.lossAndBackward(data.get(pick[b]));
                        return sum;
                    }));
                }
                float loss = 0;
                for (Future<Float> f : parts) loss += f.get();
                for (int w = 1; w < threads; w++) {
                    for (var e : workers.get(w).grads().entrySet()) {
                        float[] dst = model.grads().get(e.getKey()), src = e.getValue();
                        for (int i = 0; i < dst.length; i++) dst[i] += src[i];
                    }
                }
                opt.step(model.params(), model.grads(), 1f / batch);
                losses.add(loss / batch);
                if (listener != null) listener.step(step + 1, steps, loss / batch);
            }
        } finally {
            pool.shutdown();
        }
        return losses;
    }
}
