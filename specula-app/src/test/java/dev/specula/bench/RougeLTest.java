package dev.specula.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RougeLTest {

    @Test
    void identicalTextsScoreOneWhateverTheCaseAndPunctuation() {
        assertThat(RougeL.f("There is a red circle.", "there is a RED circle")).isEqualTo(1.0);
    }

    @Test
    void scoreIsTheHarmonicMeanOfLcsPrecisionAndRecall() {
        // LCS of "the red circle is big" and "the big red circle" is "the red circle" (3 words):
        // P = 3/5, R = 3/4, F = 2PR/(P+R) = 2/3
        assertThat(RougeL.f("the red circle is big", "the big red circle")).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void lcsKeepsOrderButNotAdjacency() {
        assertThat(RougeL.lcs(List.of("a", "x", "b", "y", "c"), List.of("a", "b", "c"))).isEqualTo(3);
        assertThat(RougeL.lcs(List.of("c", "b", "a"), List.of("a", "b", "c"))).isEqualTo(1);
    }

    @Test
    void disjointOrEmptyTextsScoreZero() {
        assertThat(RougeL.f("blue square", "red circle")).isZero();
        assertThat(RougeL.f("", "red circle")).isZero();
        assertThat(RougeL.f("", "")).isEqualTo(1.0);
    }

    @Test
    void qaAnswersAreScoredByTheFirstLetterInBrackets() {
        Sample s = new Sample("1", null, "What colour? (A) red (B) blue", "The answer is (B).", List.of("red", "blue"), "B");
        BenchTask qa = new BenchTask("qa", dev.specula.train.Task.QA, List.of(s));
        assertThat(qa.score(s, "The answer is (B). The square is blue.")).isEqualTo(1.0);
        assertThat(qa.score(s, "The answer is (A). Not (B).")).isZero();
        assertThat(qa.score(s, "B")).isEqualTo(1.0);
        assertThat(qa.score(s, "no idea")).isZero();
    }
}
