package dev.specula.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks tokens from logits the way llama.cpp's default chain does: top-k, then top-p, then min-p, each
 * judged on the untempered distribution, then temperature over what is left. Every filter keeps a
 * prefix of the tokens sorted by logit (ties: lower id first), so the candidates are popped from a
 * heap only as far as the filters reach. Buffers are sized once; sampling allocates nothing.
 */
public final class Sampler {
    private final SamplerConfig config;
    private final int vocabSize;
    private final SplittableRandom random;
    private final long[] heap;
    private final int[] kept;
    private final float[] probs;
    private int heapSize;
    private int popped;

    public Sampler(SamplerConfig config, int vocabSize) {
        if (vocabSize < 1) throw new IllegalArgumentException("vocabulary size must be positive, got " + vocabSize);
        this.config = config;
        this.vocabSize = vocabSize;
        this.random = new SplittableRandom(config.seed());
        this.heap = new long[vocabSize];
        this.kept = new int[vocabSize];
        this.probs = new float[vocabSize];
    }

    public SamplerConfig config() {
        return config;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /**
     * Fills {@code probs[0..vocabSize)} with the distribution that {@link #sample} draws from; greedy gives
     * a one-hot vector at the argmax.
     */
    public void distribution(float[] logits, int offset, float[] probs) {
        int n = vocabSize;
        Arrays.fill(probs, 0, n, 0f);
        if (config.isGreedy()) {
            probs[argmax(logits, offset, n)] = 1f;
            return;
        }
        int count = keepCandidates(logits, offset);
        float max = logits[offset + kept[0]];
        float invT = 1f / config.temperature();
        double sum = 0;
        for (int i = 0; i < count; i++) {
            int id = kept[i];
            float p = (float) Math.exp((logits[offset + id] - max) * invT);
            probs[id] = p;
            sum += p;
        }
        float scale = (float) (1.0 / sum);
        for (int i = 0; i < count; i++) {
            probs[kept[i]] *= scale;
        }
    }

    /** Draws an index from a probability vector (need not be normalised) with this sampler's seeded generator. */
    public int draw(float[] probs) {
        int n = Math.min(probs.length, vocabSize);
        double total = 0;
        for (int i = 0; i < n; i++) total += probs[i];
        if (!(total > 0)) throw new IllegalArgumentException("probability vector has no mass");
        double target = nextUniform() * total;
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < n; i++) {
            if (probs[i] <= 0f) continue;
            cumulative += probs[i];
            last = i;
            if (target < cumulative) return i;
        }
        return last; // rounding left the target just past the end
    }

    /** One uniform float in [0, 1) from the same seeded generator. */
    public float nextUniform() {
        return random.nextInt(1 << 24) * 0x1p-24f;
    }

    /** {@link #distribution} then {@link #draw}; greedy is argmax and draws nothing. */
    public int sample(float[] logits, int offset) {
        if (config.isGreedy()) return argmax(logits, offset, vocabSize);
        distribution(logits, offset, probs);
        return draw(probs);
    }

    /** Index (relative to offset) of the largest of {@code x[offset..offset+n)}; ties go to the lowest index. */
    public static int argmax(float[] x, int offset, int n) {
        int best = 0;
        float bestValue = x[offset];
        for (int i = 1; i < n; i++) {
            if (x[offset + i] > bestValue) {
                bestValue = x[offset + i];
                best = i;
            }
        }
        return best;
    }

    /** Writes the surviving ids, most likely first, into {@link #kept}; returns how many survive. */
    private int keepCandidates(float[] logits, int offset) {
        int n = vocabSize;
        int limit = config.topK() > 0 ? Math.min(config.topK(), n) : n;
        boolean topP = config.topP() > 0f && config.topP() < 1f;
        boolean minP = config.minP() > 0f;
        if (limit == n && !topP && !minP) {
            for (int i = 0; i < n; i++) kept[i] = i;
            int best = argmax(logits, offset, n);
            kept[best] = 0;
            kept[0] = best;
            return n;
        }
        for (int i = 0; i < n; i++) heap[i] = key(logits[offset + i], i);
        for (int i = n / 2 - 1; i >= 0; i--) siftDown(i, n);
        heapSize = n;
        popped = 0;
        float max = logits[offset + (int) heap[0]];
        if (topP) {
            // Softmax over what top-k left: the first `limit` in order.
            double sum = 0;
            if (limit < n) {
                for (int i = 0; i < limit; i++) sum += Math.exp(logits[offset + popUntil(i)] - max);
            } else {
                for (int i = 0; i < n; i++) sum += Math.exp(logits[offset + i] - max);
            }
            double target = config.topP() * sum;
            double cumulative = 0;
            int i = 0;
            while (i < limit) {
                cumulative += Math.exp(logits[offset + popUntil(i)] - max);
                i++;
                if (cumulative >= target) break;
            }
            limit = i;
        }
        if (minP) {
            float threshold = max + (float) Math.log(config.minP());
            int i = 1;
            while (i < limit && logits[offset + popUntil(i)] >= threshold) i++;
            limit = i;
        }
        popUntil(limit - 1);
        return limit;
    }

    /** Pops candidates in order until {@code kept[i]} is filled; returns it. */
    private int popUntil(int i) {
        while (popped <= i) {
            long top = heap[0];
            heap[0] = heap[--heapSize];
            siftDown(0, heapSize);
            kept[popped++] = (int) top;
        }
        return kept[i];
    }

    /**
     * Orders by logit descending, then id ascending: the float's bits made monotone as a signed int,
     * complemented so that larger logits give smaller keys, with the id below.
     */
    private static long key(float logit, int id) {
        int bits = Float.floatToIntBits(logit);
        int monotone = bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) ~monotone << 32) | id;
    }

    private void siftDown(int i, int size) {
        long value = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && heap[child + 1] < heap[child]) child++;
            if (heap[child] >= value) break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = value;
    }
}
