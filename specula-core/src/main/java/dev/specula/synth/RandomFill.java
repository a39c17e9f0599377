package dev.specula.synth;

/**
 * Fast seeded pseudo-Gaussian numbers for random weights: xorshift64* bits, four uniforms summed
 * (Irwin–Hall, variance 1/3), scaled. Quality is irrelevant here; speed matters for 7B-sized files.
 */
final class RandomFill {
    private long state;

    RandomFill(long seed) {
        state = seed ^ 0x9E3779B97F4A7C15L;
        if (state == 0) state = 1;
    }

    private long next() {
        state ^= state >>> 12;
        state ^= state << 25;
        state ^= state >>> 27;
        return state * 0x2545F4914F6CDD1DL;
    }

    void gaussian(float[] out, int n, float std) {
        float scale = std * (float) Math.sqrt(3.0) / (1 << 15);
        for (int i = 0; i < n; i++) {
            long r = next();
            int sum = (int) (r & 0xFFFF) + (int) ((r >>> 16) & 0xFFFF) + (int) ((r >>> 32) & 0xFFFF) + (int) (r >>> 48) - 2 * 0xFFFF;
            out[i] = sum * scale / 2f;
        }
    }
}
