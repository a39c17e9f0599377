package dev.specula.sampling;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SamplerTest {

    /** log of probabilities 0.5, 0.3, 0.15, 0.05: softmax gives them back. */
    private static final float[] FOUR = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};

    private static float[] dist(SamplerConfig c, float[] logits) {
        float[] p = new float[logits.length];
        new Sampler(c, logits.length).distribution(logits, 0, p);
        return p;
    }

    private static SamplerConfig config(float t, int k, float p, float minP) {
        return new SamplerConfig(t, k, p, minP, 42);
    }

    @Test
    void greedyIsArgmaxWithLowestIdOnTies() {
        assertThat(Sampler.argmax(new float[]{1, 5, 2, 5, 5}, 0, 5)).isEqualTo(1);
        assertThat(Sampler.argmax(new float[]{9, 1, 5, 2, 5}, 1, 4)).isEqualTo(1);
        Sampler greedy = new Sampler(SamplerConfig.greedy(), 4);
        assertThat(greedy.sample(new float[]{0, 3, 3, -1}, 0)).isEqualTo(1);
        assertThat(dist(SamplerConfig.greedy(), new float[]{0, 3, 3, -1})).containsExactly(0, 1, 0, 0);
        assertThat(SamplerConfig.greedy().isGreedy()).isTrue();
    }

    @Test
    void unfilteredDistributionIsTemperedSoftmax() {
        assertThat(dist(config(1f, 0, 1f, 0f), FOUR)).containsExactly(new float[]{0.5f, 0.3f, 0.15f, 0.05f}, within(1e-6f));
        float[] hot = dist(config(2f, 0, 1f, 0f), FOUR);
        double z = Math.sqrt(0.5) + Math.sqrt(0.3) + Math.sqrt(0.15) + Math.sqrt(0.05);
        assertThat(hot[3]).isCloseTo((float) (Math.sqrt(0.05) / z), within(1e-6f));
    }

    @Test
    void topKKeepsTheKLargest() {
        float[] p = dist(config(1f, 2, 1f, 0f), new float[]{1, 3, 2, 0});
        assertThat(p[0]).isZero();
        assertThat(p[3]).isZero();
        assertThat(p[1]).isCloseTo((float) (1 / (1 + Math.exp(-1))), within(1e-6f));
    }

    @Test
    void topPKeepsTheSmallestPrefixReachingP() {
        assertThat(dist(config(1f, 0, 0.75f, 0f), FOUR)).containsExactly(new float[]{0.625f, 0.375f, 0, 0}, within(1e-6f));
        assertThat(dist(config(1f, 0, 0.45f, 0f), FOUR)).containsExactly(1, 0, 0, 0);
        assertThat(dist(config(1f, 0, 0.9f, 0f), FOUR)[2]).isPositive();
    }

    @Test
    void topPIsJudgedOnTheTopKSoftmaxBeforeTemperature() {
        // After top-k 3 the probabilities are .5/.95, .3/.95, .15/.95; 0.8 of that is reached at the second.
        float[] p = dist(config(3f, 3, 0.8f, 0f), FOUR);
        assertThat(p[2]).isZero();
        double a = Math.pow(0.5, 1 / 3.0), b = Math.pow(0.3, 1 / 3.0);
        assertThat(p[0]).isCloseTo((float) (a / (a + b)), within(1e-6f));
    }

    @Test
    void minPDropsTokensBelowAFractionOfTheBest() {
        assertThat(dist(config(1f, 0, 1f, 0.25f), FOUR)).containsExactly(new float[]{0.5f / 0.95f, 0.3f / 0.95f, 0.15f / 0.95f, 0}, within(1e-6f));
        assertThat(dist(config(1f, 0, 1f, 1f), FOUR)).containsExactly(1, 0, 0, 0);
    }

    @Test
    void distributionMatchesAPlainSortingReference() {
        Random r = new Random(7);
        for (int trial = 0; trial < 400; trial++) {
            int n = 1 + r.nextInt(60);
            float[] logits = new float[n + 3];
            for (int i = 0; i < logits.length; i++) logits[i] = r.nextInt(4) == 0 ? r.nextInt(3) : (float) r.nextGaussian() * 3;
            SamplerConfig c = new SamplerConfig(0.2f + r.nextFloat() * 2, r.nextInt(3) == 0 ? 0 : r.nextInt(n + 2),
                    r.nextInt(3) == 0 ? 1f : r.nextFloat(), r.nextInt(3) == 0 ? 0f : r.nextFloat() * 0.5f, trial);
            float[] p = new float[n];
            new Sampler(c, n).distribution(logits, 3, p);
            float[] expected = reference(c, logits, 3, n);
            assertThat(p).as("trial %d %s", trial, c).containsExactly(expected, within(1e-5f));
            double sum = 0;
            for (float v : p) sum += v;
            assertThat(sum).isCloseTo(1.0, within(1e-5));
        }
    }

    /** The filters as written: sort everything, cut, temper. */
    private static float[] reference(SamplerConfig c, float[] logits, int offset, int n) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) ids.add(i);
        ids.sort(Comparator.<Integer>comparingDouble(i -> -logits[offset + i]).thenComparingInt(i -> i));
        if (c.topK() > 0) ids = ids.subList(0, Math.min(c.topK(), n));
        double max = logits[offset + ids.get(0)];
        if (c.topP() > 0 && c.topP() < 1) {
            double sum = 0;
            for (int id : ids) sum += Math.exp(logits[offset + id] - max);
            double cum = 0;
            int keep = ids.size();
            for (int i = 0; i < ids.size(); i++) {
                cum += Math.exp(logits[offset + ids.get(i)] - max) / sum;
                if (cum >= c.topP()) {
                    keep = i + 1;
                    break;
                }
            }
            ids = ids.subList(0, keep);
        }
        if (c.minP() > 0) {
            double threshold = max + Math.log(c.minP());
            List<Integer> kept = new ArrayList<>();
            for (int id : ids) if (kept.isEmpty() || logits[offset + id] >= threshold) kept.add(id);
            ids = kept;
        }
        float[] p = new float[n];
        double sum = 0;
        for (int id : ids) sum += Math.exp((logits[offset + id] - max) / c.temperature());
        for (int id : ids) p[id] = (float) (Math.exp((logits[offset + id] - max) / c.temperature()) / sum);
        return p;
    }

    @Test
    void sameSeedGivesTheSameTokens() {
        Random r = new Random(3);
        float[] logits = new float[50];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) r.nextGaussian();
        SamplerConfig c = new SamplerConfig(1.3f, 20, 0.95f, 0.01f, 1234);
        Sampler a = new Sampler(c, 50), b = new Sampler(c, 50);
        Sampler other = new Sampler(new SamplerConfig(1.3f, 20, 0.95f, 0.01f, 99), 50);
        int differ = 0;
        for (int i = 0; i < 200; i++) {
            int x = a.sample(logits, 0);
            assertThat(b.sample(logits, 0)).isEqualTo(x);
            if (other.sample(logits, 0) != x) differ++;
        }
        assertThat(differ).isPositive();
    }

    @Test
    void drawsFollowTheDistributionAndNeverPickZeroProbability() {
        float[] probs = {0.1f, 0f, 0.6f, 0.3f, 0f};
        Sampler s = new Sampler(new SamplerConfig(1f, 0, 1f, 0f, 5), 5);
        int[] counts = new int[5];
        int draws = 40_000;
        for (int i = 0; i < draws; i++) counts[s.draw(probs)]++;
        assertThat(counts[1]).isZero();
        assertThat(counts[4]).isZero();
        for (int i : new int[]{0, 2, 3}) assertThat(counts[i] / (double) draws).isCloseTo(probs[i], within(0.01));
        float[] unnormalised = {2f, 0f, 0f};
        assertThat(s.draw(unnormalised)).isZero();
    }

    @Test
    void uniformsLieInTheUnitInterval() {
        Sampler s = new Sampler(new SamplerConfig(1f, 0, 1f, 0f, 5), 5);
        double sum = 0;
        for (int i = 0; i < 10_000; i++) {
            float u = s.nextUniform();
            assertThat(u).isGreaterThanOrEqualTo(0f).isLessThan(1f);
            sum += u;
        }
        assertThat(sum / 10_000).isCloseTo(0.5, within(0.02));
    }

    @Test
    void rejectsInvalidSettings() {
        assertThatThrownBy(() -> new SamplerConfig(1f, -1, 1f, 0f, 0)).hasMessageContaining("top-k");
        assertThatThrownBy(() -> new SamplerConfig(1f, 0, 1.5f, 0f, 0)).hasMessageContaining("top-p");
        assertThatThrownBy(() -> new SamplerConfig(1f, 0, 1f, -0.1f, 0)).hasMessageContaining("min-p");
        assertThatThrownBy(() -> new SamplerConfig(Float.NaN, 0, 1f, 0f, 0)).hasMessageContaining("temperature");
    }
}
