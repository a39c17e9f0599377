package dev.specula.speculative;

/** The same γ every round ({@code --draft-max}); 0 is plain decoding. */
public record FixedGamma(int draftMax) implements GammaPolicy {

    public FixedGamma {
        if (draftMax < 0) throw new IllegalArgumentException("draft-max must be >= 0, got " + draftMax);
    }

    @Override
    public void reset() {}

    @Override
    public int gamma(int limit) {
        return Math.min(draftMax, limit);
    }

    @Override
    public boolean probe() {
        return false;
    }

    @Override
    public void observe(int drafted, int accepted) {}

    @Override
    public int max() {
        return draftMax;
    }
}
