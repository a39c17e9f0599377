package dev.specula.synth;

import dev.specula.gguf.GgufMetadata;
import dev.specula.gguf.GgufValue;
import dev.specula.gguf.GgufValueType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tokenizer metadata for synthesized models: either copied from another GGUF ({@code --vocab-from}) or a
 * small SentencePiece-style vocabulary of Specula's own (control tokens, the 256 byte-fallback tokens,
 * then word pieces), so a model can be made on a machine that has no vocabulary file.
 */
public final class SynthVocabulary {
    private SynthVocabulary() {}

    private static final String WORDS = "the and was to a he she it of in that is his her they with for on you "
            + "said had but at as one there so be have not up out then all day little big dog cat once upon time "
            + "lily ben were happy play saw went tree ball sun image picture shows describe red blue green man "
            + "woman car street table people water sky white black two on an with are this what color left right";

    /** The tokenizer.* keys of {@code source}, unchanged. */
    public static Map<String, GgufValue> copiedFrom(GgufMetadata source) {
        Map<String, GgufValue> out = new LinkedHashMap<>();
        source.asMap().forEach((k, v) -> {
            if (k.startsWith("tokenizer.")) out.put(k, v);
        });
        if (!out.containsKey("tokenizer.ggml.tokens")) {
            throw new IllegalArgumentException("the vocabulary source has no tokenizer.ggml.tokens");
        }
        return out;
    }

    /** Specula's built-in vocabulary of exactly {@code size} tokens (at least 259 + 26). */
    public static Map<String, GgufValue> builtIn(int size) {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Long> types = new ArrayList<>(List.of(2L, 3L, 3L));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(6L);
        }
        Set<String> pieces = new LinkedHashSet<>();
        for (char c = 'a'; c <= 'z'; c++) pieces.add(String.valueOf(c));
        for (String p : List.of("▁", ".", ",", "!", "?", "'", "\"", ":")) pieces.add(p);
        for (String w : WORDS.split(" ")) {
            for (int k = 1; k <= w.length(); k++) pieces.add("▁" + w.substring(0, k));
        }
        for (char c = 'A'; c <= 'Z'; c++) pieces.add(String.valueOf(c));
        for (char c = '0'; c <= '9'; c++) pieces.add(String.valueOf(c));
        for (String p : pieces) {
            if (tokens.size() >= size) break;
            tokens.add(p);
            types.add(1L);
        }
        for (int i = 0; tokens.size() < size; i++) {
            tokens.add("<extra_" + i + ">");
            types.add(4L); // user-defined: never produced from plain text
        }
        float[] scores = new float[size];
        long[] typeArr = new long[size];
        for (int i = 0; i < size; i++) {
            typeArr[i] = types.get(i);
            scores[i] = typeArr[i] == 1 ? -i : 0f;
        }
        return llamaMetadata(tokens, scores, typeArr);
    }

    /** A SentencePiece-style {@code llama} vocabulary's GGUF keys: unk 0, BOS 1 (added), EOS 2. */
    public static Map<String, GgufValue> llamaMetadata(List<String> tokens, float[] scores, long[] types) {
        Map<String, GgufValue> out = new LinkedHashMap<>();
        out.put("tokenizer.ggml.model", GgufValue.of("llama"));
        out.put("tokenizer.ggml.tokens", GgufValue.ofArray(tokens.toArray(String[]::new)));
        out.put("tokenizer.ggml.scores", GgufValue.ofArray(scores));
        out.put("tokenizer.ggml.token_type", GgufValue.ofArray(GgufValueType.INT32, types));
        out.put("tokenizer.ggml.bos_token_id", GgufValue.ofUint32(1));
        out.put("tokenizer.ggml.eos_token_id", GgufValue.ofUint32(2));
        out.put("tokenizer.ggml.unknown_token_id", GgufValue.ofUint32(0));
        out.put("tokenizer.ggml.add_bos_token", GgufValue.ofBool(true));
        out.put("tokenizer.ggml.add_eos_token", GgufValue.ofBool(false));
        return out;
    }
}
