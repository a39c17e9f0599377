package dev.specula.text;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class StreamDecoderTest {
    /** The 512-token vocabulary spells almost every non-ASCII character with byte tokens. */
    private final Tokenizer tok = TestTokenizers.tinyLlava();

    @Test
    void holdsBackACharacterUntilItsLastByteTokenArrives() {
        int[] ids = tok.encode("😀", false, false); // "▁" then the four bytes F0 9F 98 80
        assertThat(ids).hasSize(5);
        StreamDecoder d = tok.newStreamDecoder();
        assertThat(d.accept(ids[0])).isEqualTo(" ");
        assertThat(d.accept(ids[1])).isEmpty();
        assertThat(d.accept(ids[2])).isEmpty();
        assertThat(d.accept(ids[3])).isEmpty();
        assertThat(d.accept(ids[4])).isEqualTo("😀");
        assertThat(d.flush()).isEmpty();
    }

    @Test
    void flushTurnsAnUnfinishedCharacterIntoAReplacementCharacter() {
        int[] ids = tok.encode("😀", false, false);
        StreamDecoder d = tok.newStreamDecoder();
        assertThat(ids).hasSize(5);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length - 1; i++) sb.append(d.accept(ids[i]));
        assertThat(sb.toString()).isEqualTo(" ");
        assertThat(d.flush()).isEqualTo("\uFFFD");
        assertThat(d.flush()).isEmpty();
    }

    @Test
    void streamingRandomTextGivesThePiecesWholeCharacterByCharacter() {
        Random rnd = new Random(7);
        int[] alphabet = "a Z.\n\té£€你😀🦙ж".codePoints().toArray();
        for (int trial = 0; trial < 200; trial++) {
            StringBuilder text = new StringBuilder();
            for (int i = rnd.nextInt(20); i > 0; i--) text.appendCodePoint(alphabet[rnd.nextInt(alphabet.length)]);
            int[] ids = tok.encode(text.toString(), rnd.nextBoolean(), true);

            ByteArrayOutputStream pieces = new ByteArrayOutputStream();
            StreamDecoder d = tok.newStreamDecoder();
            List<String> chunks = new ArrayList<>();
            for (int id : ids) {
                pieces.writeBytes(tok.pieceBytes(id));
                chunks.add(d.accept(id));
            }
            chunks.add(d.flush());

            assertThat(String.join("", chunks)).isEqualTo(pieces.toString(StandardCharsets.UTF_8));
            assertThat(chunks).noneMatch(c -> c.contains("\uFFFD"));
        }
    }
}
