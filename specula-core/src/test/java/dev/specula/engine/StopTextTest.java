package dev.specula.engine;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class StopTextTest {

    @Test
    void holdsBackAPossibleStopStringAndCutsBeforeIt() {
        StopText t = new StopText(List.of("END"));
        assertThat(t.add("abc E")).isEqualTo("abc ");
        assertThat(t.add("N")).isEmpty();
        assertThat(t.add("Dxyz")).isEmpty();
        assertThat(t.matched()).isEqualTo("END");
        assertThat(t.text()).isEqualTo("abc E".substring(0, 4));
    }

    @Test
    void releasesHeldTextWhenItCannotBecomeAStopString() {
        StopText t = new StopText(List.of("END"));
        assertThat(t.add("xE")).isEqualTo("x");
        assertThat(t.add("q")).isEqualTo("Eq");
        assertThat(t.flush()).isEmpty();
        assertThat(t.matched()).isNull();
    }

    @Test
    void sentTextIsAlwaysAPrefixOfTheStopFreeText() {
        Random rnd = new Random(1);
        for (int trial = 0; trial < 500; trial++) {
            StringBuilder all = new StringBuilder();
            StringBuilder sent = new StringBuilder();
            StopText t = new StopText(List.of("ab", "bba"));
            for (int i = 0; i < 10; i++) {
                String piece = "" + "abc".charAt(rnd.nextInt(3)) + (rnd.nextBoolean() ? "c" : "");
                all.append(piece);
                sent.append(t.add(piece));
            }
            sent.append(t.flush());
            String whole = all.toString();
            int cut = whole.length();
            for (String s : List.of("ab", "bba")) {
                int at = whole.indexOf(s);
                if (at >= 0) cut = Math.min(cut, at);
            }
            assertThat(sent.toString()).isEqualTo(whole.substring(0, cut));
        }
    }
}
