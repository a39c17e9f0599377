package dev.specula.train;

import dev.specula.gguf.GgufMetadata;
import dev.specula.text.Tokenizer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class WorldVocabularyTest {

    private static final Tokenizer TOK = Tokenizer.fromGguf(new GgufMetadata(
            WorldVocabulary.train(WorldVocabulary.corpus(new SceneWorld(1), 500), 2)));

    @Test
    void trainedTokenizerRoundTripsHeldOutWorldText() {
        SceneWorld w = new SceneWorld(1);
        for (int i = 0; i < 100; i++) {
            Scene s = w.scene(SceneWorld.Split.VALIDATION, i);
            for (Task t : Task.values()) {
                String text = t.example(s).reference();
                int[] ids = TOK.encode(text, false, false);
                assertEquals(text, TOK.decode(ids));
            }
        }
    }

    @Test
    void roundTripsTextOutsideTheWorldThroughByteFallback() {
        String odd = "Zebra 42 ünïcødé ✓ — tabs\tand  double spaces";
        assertEquals(odd, TOK.decode(TOK.encode(odd, false, false)));
    }

    @Test
    void worldWordsAreSingleTokens() {
        String caption = "The image shows two objects on a plain grey background.";
        int[] ids = TOK.encode(caption, false, false);
        // ten words and the full stop
        assertEquals(11, ids.length, java.util.Arrays.toString(ids));
    }
}
