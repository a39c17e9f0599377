package dev.specula.text;

import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;

/**
 * llama.cpp's SentencePiece (BPE-by-score) tokenizer: spaces become "▁", neighbouring symbols are
 * merged greedily by the score of the token they form, and what is left without a token falls back
 * to {@code <0xNN>} byte tokens.
 */
final class SentencePiece implements TokenModel {
    private static final String SPACE_MARK = "\u2581";

    private final Vocabulary vocab;
    private final int[] byteToken = new int[256];

    SentencePiece(Vocabulary vocab) {
        this.vocab = vocab;
        for (int b = 0; b < 256; b++) {
            int id = vocab.id(String.format("<0x%02X>", b));
            if (id == Vocabulary.NONE && b < 0x80) {
                id = vocab.id(String.valueOf((char) b));
            }
            byteToken[b] = id;
        }
    }

    /** A candidate merge of symbol {@code left} with its right neighbour; {@code length} detects stale entries. */
    private record Bigram(int left, int right, float score, int length) {}

    @Override
    public void encode(String fragment, boolean afterSpecial, IntList out) {
        String text = (vocab.addSpacePrefix && afterSpecial ? " " + fragment : fragment).replace(" ", SPACE_MARK);
        int n = text.codePointCount(0, text.length());
        // symbol i covers text[start[i], start[i] + length[i]); length 0 means merged into its left neighbour
        int[] start = new int[n];
        int[] length = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, offset = 0; i < n; i++) {
            int len = Character.charCount(text.codePointAt(offset));
            start[i] = offset;
            length[i] = len;
            prev[i] = i - 1;
            offset += len;
            next[i] = offset == text.length() ? -1 : i + 1;
        }

        // best score first; on equal scores the leftmost pair, as llama.cpp's queue comparator orders them
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) ->
                a.score > b.score ? -1 : a.score < b.score ? 1 : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) {
            offer(queue, text, start, length, i - 1, i);
        }
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            if (length[b.left] == 0 || length[b.right] == 0 || length[b.left] + length[b.right] != b.length) {
                continue;
            }
            length[b.left] += length[b.right];
            length[b.right] = 0;
            next[b.left] = next[b.right];
            if (next[b.right] >= 0) {
                prev[next[b.right]] = b.left;
            }
            offer(queue, text, start, length, prev[b.left], b.left);
            offer(queue, text, start, length, b.left, next[b.left]);
        }

        // Every merged symbol is a vocabulary token by construction, so only single characters can be
        // missing from the vocabulary; they become their UTF-8 bytes.
        for (int i = 0; i != -1 && n > 0; i = next[i]) {
            String symbol = text.substring(start[i], start[i] + length[i]);
            int id = vocab.id(symbol);
            if (id != Vocabulary.NONE) {
                out.add(id);
                continue;
            }
            for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
                int byteId = byteToken[b & 0xFF];
                if (byteId == Vocabulary.NONE) {
                    byteId = vocab.unk;
                }
                if (byteId == Vocabulary.NONE) {
                    throw new IllegalArgumentException(String.format("vocabulary has no token for byte 0x%02X", b & 0xFF));
                }
                out.add(byteId);
            }
        }
    }

    private void offer(PriorityQueue<Bigram> queue, String text, int[] start, int[] length, int left, int right) {
        if (left == -1 || right == -1) return;
        int len = length[left] + length[right];
        int id = vocab.id(text.substring(start[left], start[left] + len));
        if (id != Vocabulary.NONE) {
            queue.add(new Bigram(left, right, vocab.score[id], len));
        }
    }

    @Override
    public byte[] normalPieceBytes(String tokenText) {
        return tokenText.replace(SPACE_MARK, " ").getBytes(StandardCharsets.UTF_8);
    }
}
