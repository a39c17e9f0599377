package dev.specula.text;

import dev.specula.gguf.GgufMetadata;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * GPT-2 style byte-level BPE as llama.cpp runs it for the llama-3 pre-tokenizer: text is split into
 * words, each word's UTF-8 bytes are spelled with the GPT-2 byte-to-character table, a word that is a
 * whole token is taken as is ("ignore_merges"), and otherwise characters are merged by merge rank.
 */
final class ByteLevelBpe implements TokenModel {
    /** Pre-tokenizer names llama.cpp maps to its llama-3 pattern. */
    private static final Set<String> LLAMA3_PRE = Set.of("llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1",
            "pixtral", "midm-2.0", "lfm2");

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final Map<Character, Integer> CHAR_TO_BYTE = new HashMap<>();

    static {
        // Printable Latin-1 bytes stand for themselves; the rest are moved to U+0100 and up, in byte order.
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = (char) (printable ? b : 256 + shifted++);
            CHAR_TO_BYTE.put(BYTE_TO_CHAR[b], b);
        }
    }

    private final Vocabulary vocab;
    /** "left right" → rank; the first occurrence of a pair wins, as in llama.cpp. */
    private final Map<String, Integer> ranks;

    ByteLevelBpe(Vocabulary vocab, GgufMetadata md) {
        this.vocab = vocab;
        requireSupportedPreTokenizer(md);
        String[] merges = md.getStringArray("tokenizer.ggml.merges");
        ranks = new HashMap<>(merges.length * 2);
        for (int i = 0; i < merges.length; i++) {
            // llama.cpp splits at the first space after position 0, so a pair never starts empty
            if (merges[i].indexOf(' ', 1) > 0) {
                ranks.putIfAbsent(merges[i], i);
            }
        }
    }

    /** Only the llama-3 pattern is implemented; other BPE vocabularies would silently tokenize differently. */
    static void requireSupportedPreTokenizer(GgufMetadata md) {
        String pre = md.getString("tokenizer.ggml.pre", "");
        if (!LLAMA3_PRE.contains(pre)) {
            throw new IllegalArgumentException("unsupported BPE pre-tokenizer '" + pre + "' (supported: " + LLAMA3_PRE + ")");
        }
    }

    private record Bigram(int left, int right, String text, int rank) {}

    @Override
    public void encode(String fragment, boolean afterSpecial, IntList out) {
        for (String word : Llama3PreTokenizer.split(fragment)) {
            String spelled = spell(word);
            int whole = vocab.id(spelled);
            if (whole != Vocabulary.NONE) {
                out.add(whole);
                continue;
            }
            for (String symbol : merge(spelled)) {
                int id = vocab.id(symbol);
                if (id != Vocabulary.NONE) {
                    out.add(id);
                    continue;
                }
                // llama.cpp's fallback looks up each UTF-8 byte of the spelled symbol as a one-byte token,
                // and silently drops bytes that have none; with a full byte table it is never reached
                for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
                    int byteId = b >= 0 ? vocab.id(String.valueOf((char) b)) : Vocabulary.NONE;
                    if (byteId != Vocabulary.NONE) out.add(byteId);
                }
            }
        }
    }

    /** The word's bytes written with the byte-to-character table. */
    static String spell(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    /** Merges the characters of a spelled word, lowest rank first (leftmost on ties). */
    private List<String> merge(String spelled) {
        int n = spelled.length(); // every spelled character is a single UTF-16 unit
        String[] symbol = new String[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            symbol[i] = String.valueOf(spelled.charAt(i));
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) ->
                a.rank != b.rank ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) {
            offer(queue, symbol, i - 1, i);
        }
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            if (symbol[b.left] == null || symbol[b.right] == null
                    || !(symbol[b.left] + symbol[b.right]).equals(b.text)) {
                continue; // stale: one side has changed since this pair was queued
            }
            symbol[b.left] = b.text;
            symbol[b.right] = null;
            next[b.left] = next[b.right];
            if (next[b.right] >= 0) {
                prev[next[b.right]] = b.left;
            }
            offer(queue, symbol, prev[b.left], b.left);
            offer(queue, symbol, b.left, next[b.left]);
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i != -1 && n > 0; i = next[i]) {
            result.add(symbol[i]);
        }
        return result;
    }

    private void offer(PriorityQueue<Bigram> queue, String[] symbol, int left, int right) {
        if (left == -1 || right == -1) return;
        Integer rank = ranks.get(symbol[left] + " " + symbol[right]);
        if (rank != null) {
            queue.add(new Bigram(left, right, symbol[left] + symbol[right], rank));
        }
    }

    @Override
    public byte[] normalPieceBytes(String tokenText) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(tokenText.length());
        tokenText.codePoints().forEach(c -> {
            Integer b = c <= 0xFFFF ? CHAR_TO_BYTE.get((char) c) : null;
            if (b != null) {
                out.write(b);
            } else {
                // llama.cpp's llama_decode_text marks characters outside the byte table this way
                StringBuilder sb = new StringBuilder("[UNK_BYTE_0x");
                for (byte u : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
                    sb.append(String.format("%02x", u & 0xFF));
                }
                out.writeBytes(sb.append(tokenText).append(']').toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }
}
