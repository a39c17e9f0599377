package dev.specula.text;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class Llama3PreTokenizerTest {
    /** The llama-3 pattern in Java regex syntax, with \s spelled as Unicode's White_Space property. */
    private static final Pattern LLAMA3 = Pattern.compile(
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
                    + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
                    + "|\\p{N}{1,3}"
                    + "| ?[^\\p{IsWhite_Space}\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\p{IsWhite_Space}*[\\r\\n]+"
                    + "|\\p{IsWhite_Space}+(?![^\\p{IsWhite_Space}])"
                    + "|\\p{IsWhite_Space}+");

    @Test
    void splitsLikeTheLlama3Regex() {
        assertThat(Llama3PreTokenizer.split("Hello world's  3.14159 ok!!\n\n  x")).containsExactly(
                "Hello", " world", "'s", " ", " ", "3", ".", "141", "59", " ok", "!!\n\n", " ", " x");
    }

    @Test
    void agreesWithTheRegexOnRandomText() {
        Random rnd = new Random(42);
        int[] alphabet = "aZé你 \u00A0\u2003\t\r\n'sStTlLdD0٣²7.,!?-_()\"😀\u0000".codePoints().toArray();
        for (int trial = 0; trial < 5000; trial++) {
            StringBuilder sb = new StringBuilder();
            for (int i = rnd.nextInt(16); i > 0; i--) sb.appendCodePoint(alphabet[rnd.nextInt(alphabet.length)]);
            String text = sb.toString();
            assertThat(Llama3PreTokenizer.split(text)).as("'%s'", text).isEqualTo(regexSplit(text));
        }
    }

    private static List<String> regexSplit(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = LLAMA3.matcher(text);
        int end = 0;
        while (m.find()) {
            if (m.start() > end) words.add(text.substring(end, m.start()));
            words.add(m.group());
            end = m.end();
        }
        if (end < text.length()) words.add(text.substring(end));
        return words;
    }
}
