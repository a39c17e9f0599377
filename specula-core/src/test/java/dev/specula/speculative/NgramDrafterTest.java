package dev.specula.speculative;

import dev.specula.model.Prompt;
import dev.specula.sampling.Sampler;
import dev.specula.sampling.SamplerConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class NgramDrafterTest {
    private static final Sampler GREEDY = new Sampler(SamplerConfig.greedy(), 32);

    @Test
    void proposesWhatFollowedTheLongestEarlierMatch() {
        // Suffix [1, 2] occurred after 7; the shorter suffix [2] occurred more recently, before 6.
        assertThat(propose(new NgramDrafter(2), 3, 7, 1, 2, 9, 8, 2, 6, 1, 2)).containsExactly(9, 8, 2);
        assertThat(propose(new NgramDrafter(1), 3, 7, 1, 2, 9, 8, 2, 6, 1, 2)).containsExactly(6, 1, 2);
    }

    @Test
    void prefersTheMostRecentOccurrence() {
        assertThat(propose(new NgramDrafter(3), 2, 4, 5, 1, 4, 5, 3, 4, 5)).containsExactly(3, 4);
    }

    @Test
    void continuesARepeatingPatternIntoItsOwnProposals() {
        assertThat(propose(new NgramDrafter(3), 5, 5, 5, 5)).containsExactly(5, 5, 5, 5, 5);
        assertThat(propose(new NgramDrafter(4), 5, 1, 2, 1, 2, 1)).containsExactly(2, 1, 2, 1, 2);
    }

    @Test
    void proposesNothingWithoutAMatch() {
        assertThat(propose(new NgramDrafter(3), 4, 1, 2, 3, 4)).isEmpty();
        assertThat(propose(new NgramDrafter(3), 4, 9)).isEmpty();
    }

    @Test
    void searchesTheAcceptedOutputAsWellAsThePromptText() {
        NgramDrafter drafter = new NgramDrafter(2);
        drafter.begin(new Prompt(List.of(new Prompt.Text(new int[] {3, 4}), new Prompt.Image(new float[4], 2),
                new Prompt.Text(new int[] {8}))), GREEDY);
        Draft draft = new Draft(32);
        drafter.propose(4, draft);
        assertThat(draft.size()).isZero();
        drafter.accept(0, 3);           // text so far: 3 4 8 3
        drafter.propose(2, draft);
        assertThat(tokens(draft)).containsExactly(4, 8);
        drafter.accept(1, 9);           // 4 accepted, then the target's 9: 3 4 8 3 4 9
        drafter.propose(1, draft);
        assertThat(draft.size()).isZero();
        drafter.accept(0, 3);           // ... 9 3
        drafter.propose(3, draft);
        assertThat(tokens(draft)).containsExactly(4, 9, 3);
        assertThat(draft.distribution(0)).as("deterministic proposals are one-hot").isNull();
    }

    @Test
    void matchesABruteForceSearchOnRandomText() {
        Random random = new Random(3);
        for (int trial = 0; trial < 500; trial++) {
            int[] text = random.ints(1 + random.nextInt(30), 0, 4).toArray();
            int n = 1 + random.nextInt(4), max = 1 + random.nextInt(6);
            assertThat(propose(new NgramDrafter(n), max, text)).as("trial " + trial).containsExactly(bruteForce(text, n, max).stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** Longest suffix first, most recent earlier occurrence, then copy (the copy may read its own output). */
    private static List<Integer> bruteForce(int[] text, int maxNgram, int max) {
        List<Integer> seq = new ArrayList<>();
        for (int t : text) seq.add(t);
        for (int n = Math.min(maxNgram, text.length - 1); n >= 1; n--) {
            List<Integer> suffix = seq.subList(text.length - n, text.length);
            for (int end = text.length - 1; end >= n; end--) {
                if (seq.subList(end - n, end).equals(suffix)) {
                    List<Integer> out = new ArrayList<>();
                    for (int i = 0; i < max; i++) seq.add(seq.get(end + i));
                    for (int i = 0; i < max; i++) out.add(seq.get(text.length + i));
                    return out;
                }
            }
        }
        return List.of();
    }

    private static int[] propose(NgramDrafter drafter, int max, int... text) {
        drafter.begin(Prompt.of(text), GREEDY);
        Draft draft = new Draft(32);
        drafter.propose(max, draft);
        return tokens(draft);
    }

    private static int[] tokens(Draft draft) {
        int[] out = new int[draft.size()];
        for (int i = 0; i < out.length; i++) out[i] = draft.token(i);
        return out;
    }
}
