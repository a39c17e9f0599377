package dev.specula.speculative;

/** How many drafted tokens the target verifies each round. */
public interface GammaPolicy {

    /** Forgets what an earlier generation taught it. */
    void reset();

    /** Drafts for the target to verify this round, 0 (plain decoding) to {@code limit}. */
    int gamma(int limit);

    /**
     * Whether a round with γ = 0 should still draft one token, judged against the target's single row
     * (no extra target work), to keep measuring acceptance.
     */
    boolean probe();

    /** After a round: {@code drafted} proposals were made and the first {@code accepted} were kept. */
    void observe(int drafted, int accepted);

    /** The largest γ it returns. */
    int max();
}
