package dev.specula.text;

import dev.specula.gguf.GgufMetadata;
import dev.specula.gguf.GgufValue;
import dev.specula.gguf.GgufValueType;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenizerTest {

    @Test
    void rejectsAnUnknownTokenizerModelByName() {
        assertThatThrownBy(() -> Tokenizer.fromGguf(vocab("bert", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bert'");
    }

    @Test
    void rejectsABpePreTokenizerItDoesNotImplement() {
        assertThatThrownBy(() -> Tokenizer.fromGguf(vocab("gpt2", "qwen2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'qwen2'");
    }

    @Test
    void readsTheTinyVocabularyAndIgnoresOutOfRangeSeparatorIds() {
        Tokenizer tok = TestTokenizers.tinyLlava();
        assertThat(tok.model()).isEqualTo("llama");
        assertThat(tok.vocabSize()).isEqualTo(512);
        assertThat(tok.bos()).isEqualTo(1);
        assertThat(tok.eos()).isEqualTo(2);
        assertThat(tok.addBos()).isTrue();
        assertThat(tok.tokenText(13)).isEqualTo("<0x0A>");
        assertThat(tok.tokenType(13)).isEqualTo(Tokenizer.TYPE_BYTE);
        assertThat(tok.pieceBytes(13)).containsExactly('\n');
        assertThat(tok.isSpecial(0)).isTrue();
        assertThat(tok.isSpecial(410)).isFalse();
        assertThat(tok.isEndOfGeneration(2)).isTrue();
        assertThat(tok.isEndOfGeneration(1)).isFalse();
    }

    @Test
    void ignoresSpecialTokenIdsOutsideTheVocabulary() {
        Map<String, GgufValue> md = new LinkedHashMap<>(vocab("llama", null).asMap());
        md.put("tokenizer.ggml.bos_token_id", GgufValue.ofUint32(0xFFFFFFFFL));
        md.put("tokenizer.ggml.seperator_token_id", GgufValue.ofUint32(0xFFFFFFFFL));
        Tokenizer tok = Tokenizer.fromGguf(new GgufMetadata(md));
        assertThat(tok.bos()).isEqualTo(1); // llama.cpp keeps the SentencePiece default
        assertThat(tok.encode("ab", true, false)).startsWith(1);
    }

    @Test
    void llama3EndsGenerationAtEndOfTextAndEndOfTurn() {
        Tokenizer tok = TestTokenizers.shared("ggml-vocab-llama-bpe.gguf");
        assertThat(tok.model()).isEqualTo("gpt2");
        assertThat(tok.bos()).isEqualTo(128000);
        assertThat(tok.isEndOfGeneration(128001)).isTrue();  // <|end_of_text|>, the EOS
        assertThat(tok.isEndOfGeneration(128009)).isTrue();  // <|eot_id|>, found by its text
        assertThat(tok.isEndOfGeneration(128000)).isFalse();
        assertThat(tok.encode("<|start_header_id|>user<|end_header_id|>", false, true))
                .containsExactly(128006, 882, 128007);
        assertThat(tok.encode("<|eot_id|>", false, false)).hasSizeGreaterThan(1); // spelled, not parsed
    }

    @Test
    void sentencePieceRoundTripsRandomText() {
        assertRoundTrips(TestTokenizers.tinyLlava(), 300);
    }

    @Test
    void byteLevelBpeRoundTripsRandomText() {
        assertRoundTrips(TestTokenizers.shared("ggml-vocab-llama-bpe.gguf"), 300);
    }

    @Test
    void sentencePieceAddsItsLeadingSpaceAgainAfterASpecialToken() {
        Tokenizer tok = TestTokenizers.tinyLlava();
        int[] a = tok.encode("a", false, false);
        assertThat(tok.tokenText(a[0])).startsWith("\u2581");
        assertThat(tok.encode("a</s>a", false, true)).containsExactly(concat(a, new int[] {2}, a));
    }

    /** decode(encode(s)) == s when control tokens are not parsed: every string is spelled in bytes. */
    private static void assertRoundTrips(Tokenizer tok, int trials) {
        Random rnd = new Random(1);
        int[] alphabet = " aeiouxyzAEIOU.,!?'\"<>/s\n\r\t0123456789éüß€你好世界😀🦙\u00A0\u2003".codePoints().toArray();
        for (int t = 0; t < trials; t++) {
            StringBuilder sb = new StringBuilder();
            for (int i = rnd.nextInt(30); i > 0; i--) sb.appendCodePoint(alphabet[rnd.nextInt(alphabet.length)]);
            String s = sb.toString();
            assertThat(tok.decode(tok.encode(s, true, false))).as("'%s'", s).isEqualTo(s);
            assertThat(tok.decode(tok.encode(s, false, false))).as("'%s' without BOS", s).isEqualTo(s);
        }
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    private static GgufMetadata vocab(String model, String pre) {
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("tokenizer.ggml.model", GgufValue.of(model));
        if (pre != null) md.put("tokenizer.ggml.pre", GgufValue.of(pre));
        md.put("tokenizer.ggml.tokens", GgufValue.ofArray(new String[] {"<unk>", "<s>", "</s>", "a", "b"}));
        md.put("tokenizer.ggml.token_type", GgufValue.ofArray(GgufValueType.INT32, new long[] {2, 3, 3, 1, 1}));
        md.put("tokenizer.ggml.merges", GgufValue.ofArray(new String[] {"a b"}));
        return new GgufMetadata(md);
    }
}
