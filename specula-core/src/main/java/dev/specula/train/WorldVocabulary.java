package dev.specula.train;

import dev.specula.gguf.GgufValue;
import dev.specula.synth.SynthVocabulary;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Trains a SentencePiece-style ({@code llama}) vocabulary on the world's text: whole words that
 * occur at least {@code minCount} times become pieces "▁word", reached through their prefix chain
 * (SentencePiece merges only into pieces that exist), with single characters and byte fallback
 * for everything else. Frequent words score higher, so they win merges.
 */
public final class WorldVocabulary {

    private WorldVocabulary() {}

    public static Map<String, GgufValue> train(Iterable<String> texts, int minCount) {
        Map<String, Integer> counts = new TreeMap<>();
        Set<Character> chars = new java.util.TreeSet<>();
        for (String t : texts) {
            for (char c : t.toCharArray()) if (c != ' ') chars.add(c);
            for (String w : t.split(" ")) {
                if (w.isEmpty()) continue;
                // punctuation stays its own piece: "image." is "▁image" + "."
                String core = w.replaceAll("[^A-Za-z']+$", "").replaceAll("^[^A-Za-z']+", "");
                if (!core.isEmpty()) counts.merge(core, 1, Integer::sum);
            }
        }
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Long> types = new ArrayList<>(List.of(2L, 3L, 3L));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(6L);
        }
        Set<String> pieces = new LinkedHashSet<>();
        pieces.add("▁");
        for (char c : chars) pieces.add(String.valueOf(c));
        List<Map.Entry<String, Integer>> words = new ArrayList<>(counts.entrySet());
        words.sort((a, b) -> b.getValue() - a.getValue());
        for (var e : words) {
            if (e.getValue() < minCount) break;
            String w = "▁" + e.getKey();
            for (int k = 2; k <= w.length(); k++) pieces.add(w.substring(0, k));
        }
        for (String p : pieces) {
            tokens.add(p);
            types.add(1L);
        }
        float[] scores = new float[tokens.size()];
        long[] typeArr = new long[tokens.size()];
        for (int i = 0; i < tokens.size(); i++) {
            typeArr[i] = types.get(i);
            // longer pieces first, so a whole word beats any split of it
            scores[i] = typeArr[i] == 1 ? tokens.get(i).length() * 1000f - i : 0f;
        }
        return SynthVocabulary.llamaMetadata(tokens, scores, typeArr);
    }

    /** All texts (prompts and answers of every task) of the first {@code n} training scenes. */
    public static List<String> corpus(SceneWorld world, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Scene s = world.scene(SceneWorld.Split.TRAIN, i);
            for (Task t : Task.values()) {
                Task.Example ex = t.example(s);
                out.add(ex.prompt());
                out.add(ex.reference());
            }
        }
        return out;
    }
}
