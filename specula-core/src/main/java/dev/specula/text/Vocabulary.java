package dev.specula.text;

import dev.specula.gguf.GgufMetadata;
import dev.specula.gguf.GgufValue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static dev.specula.text.Tokenizer.TYPE_BYTE;
import static dev.specula.text.Tokenizer.TYPE_CONTROL;
import static dev.specula.text.Tokenizer.TYPE_NORMAL;
import static dev.specula.text.Tokenizer.TYPE_UNDEFINED;
import static dev.specula.text.Tokenizer.TYPE_UNKNOWN;
import static dev.specula.text.Tokenizer.TYPE_USER_DEFINED;

/**
 * The token table and special-token settings of a GGUF vocabulary, resolved the way llama.cpp's
 * {@code llama_vocab::load} does: per-model defaults, then metadata overrides, with ids outside the
 * vocabulary (such as stories260K's 0xFFFFFFFF separator) ignored.
 */
final class Vocabulary {
    static final int NONE = -1;

    /** Texts llama.cpp treats as end-of-turn when the file names no eot id. */
    private static final Set<String> EOT_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>");
    private static final String EOM_TEXT = "<|eom_id|>";

    final String model;
    final String[] text;
    final float[] score;
    final int[] type;
    final int bos;
    final int eos;
    final int eot;
    final int eom;
    final int unk;
    final boolean addBos;
    final boolean addEos;
    final boolean addSpacePrefix;
    /** CONTROL, USER_DEFINED and UNKNOWN tokens, longest UTF-8 text first (ties: lower id first). */
    final int[] specialsLongestFirst;
    private final boolean[] endOfGeneration;
    private final Map<String, Integer> ids;

    Vocabulary(GgufMetadata md) {
        model = md.getString("tokenizer.ggml.model");
        boolean spm = switch (model) {
            case "llama" -> true;
            case "gpt2" -> false;
            default -> throw new IllegalArgumentException("unsupported tokenizer model '" + model
                    + "' (supported: 'llama' = SentencePiece, 'gpt2' = byte-level BPE)");
        };
        if (!spm) {
            ByteLevelBpe.requireSupportedPreTokenizer(md);
        }
        text = md.getStringArray("tokenizer.ggml.tokens").clone(); // empty entries get renamed below
        int n = text.length;
        score = scores(md, n);
        type = tokenTypes(md, n);
        ids = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            if (text[i].isEmpty()) {
                text[i] = "[EMPTY_" + i + "]";
            }
            Integer previous = ids.putIfAbsent(text[i], i);
            if (previous != null) {
                throw new IllegalArgumentException("duplicate token '" + text[i] + "' has ids " + previous + " and " + i);
            }
        }

        int bosId = inRange(spm ? 1 : 11, n);
        int eosId = inRange(spm ? 2 : 11, n);
        int unkId = spm ? inRange(0, n) : NONE;
        bos = override(md, "tokenizer.ggml.bos_token_id", bosId, n);
        eos = override(md, "tokenizer.ggml.eos_token_id", eosId, n);
        unk = override(md, "tokenizer.ggml.unknown_token_id", unkId, n);
        int eotId = override(md, "tokenizer.ggml.eot_token_id", NONE, n);
        int eomId = override(md, "tokenizer.ggml.eom_token_id", NONE, n);

        // SentencePiece adds BOS and a leading space by default; of the BPE pre-tokenizers only the
        // llama-3 family is supported here, and llama.cpp turns BOS on for it.
        addBos = md.getBool("tokenizer.ggml.add_bos_token", true);
        addEos = md.getBool("tokenizer.ggml.add_eos_token", false);
        addSpacePrefix = md.getBool("tokenizer.ggml.add_space_prefix", spm);
        if (addBos && bos == NONE) {
            throw new IllegalArgumentException("tokenizer.ggml.add_bos_token is true, but there is no BOS token");
        }
        if (addEos && eos == NONE) {
            throw new IllegalArgumentException("tokenizer.ggml.add_eos_token is true, but there is no EOS token");
        }

        if (eotId == NONE) {
            eotId = firstWithText(EOT_TEXTS);
        }
        if (eomId == NONE) {
            eomId = firstWithText(Set.of(EOM_TEXT));
        }
        eot = eotId;
        eom = eomId;
        endOfGeneration = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (EOT_TEXTS.contains(text[i]) || EOM_TEXT.equals(text[i])) {
                endOfGeneration[i] = true;
                // llama.cpp forces control type on these, so they are parsed as specials and print as nothing
                type[i] = TYPE_CONTROL;
            }
        }
        for (int id : new int[] {eos, eot, eom}) {
            if (id != NONE) endOfGeneration[id] = true;
        }

        specialsLongestFirst = IntStream.range(0, n)
                .filter(i -> type[i] == TYPE_CONTROL || type[i] == TYPE_USER_DEFINED || type[i] == TYPE_UNKNOWN)
                .boxed()
                .sorted(Comparator.comparingInt((Integer i) -> -utf8Length(text[i])).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    int size() {
        return text.length;
    }

    /** The id of a token with exactly this text, or {@link #NONE}. */
    int id(String tokenText) {
        Integer id = ids.get(tokenText);
        return id == null ? NONE : id;
    }

    boolean isEndOfGeneration(int id) {
        return id >= 0 && id < endOfGeneration.length && endOfGeneration[id];
    }

    /** The byte of a {@code <0xNN>} byte token. */
    int byteValue(int id) {
        return Integer.parseInt(text[id], 3, 5, 16);
    }

    private int firstWithText(Set<String> texts) {
        for (int i = 0; i < text.length; i++) {
            if (texts.contains(text[i])) return i;
        }
        return NONE;
    }

    private static int inRange(int id, int n) {
        return id < n ? id : NONE;
    }

    private static int override(GgufMetadata md, String key, int fallback, int n) {
        if (!md.has(key)) return fallback;
        long v = md.getLong(key);
        return v >= 0 && v < n ? (int) v : fallback;
    }

    private static float[] scores(GgufMetadata md, int n) {
        Object v = md.get("tokenizer.ggml.scores").map(GgufValue::value).orElse(null);
        float[] out = new float[n];
        if (v instanceof float[] f) {
            requireLength("scores", f.length, n);
            System.arraycopy(f, 0, out, 0, n);
        } else if (v instanceof long[] l) {
            requireLength("scores", l.length, n);
            for (int i = 0; i < n; i++) out[i] = l[i];
        } else if (v != null) {
            throw new IllegalArgumentException("tokenizer.ggml.scores must be a float or integer array");
        }
        return out;
    }

    private static int[] tokenTypes(GgufMetadata md, int n) {
        int[] out = new int[n];
        if (!md.has("tokenizer.ggml.token_type")) {
            Arrays.fill(out, TYPE_NORMAL);
            return out;
        }
        int[] t = md.getIntArray("tokenizer.ggml.token_type");
        requireLength("token_type", t.length, n);
        for (int i = 0; i < n; i++) {
            out[i] = t[i] >= TYPE_NORMAL && t[i] <= TYPE_BYTE ? t[i] : TYPE_UNDEFINED;
        }
        return out;
    }

    private static void requireLength(String what, int length, int n) {
        if (length < n) {
            throw new IllegalArgumentException("tokenizer.ggml." + what + " has " + length + " entries for " + n + " tokens");
        }
    }

    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) bytes += 1;
            else if (c < 0x800) bytes += 2;
            else if (Character.isHighSurrogate(c)) { bytes += 4; i++; }
            else bytes += 3;
        }
        return bytes;
    }
}
