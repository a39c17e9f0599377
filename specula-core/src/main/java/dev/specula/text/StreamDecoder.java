package dev.specula.text;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns ids, one at a time, into the text that has become complete. Byte-fallback tokens can spell
 * one character over several ids ("😀" is four); the bytes of a character that is not finished yet
 * are held back until it is. Pieces are kept verbatim (a leading "▁" stays a space), as llama.cpp's
 * command-line tools print generated tokens. Not thread-safe: one per generation.
 */
public final class StreamDecoder {
    private final Tokenizer tokenizer;
    private byte[] pending = new byte[8];
    private int size;

    StreamDecoder(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds one token and returns the text completed by it (possibly empty). */
    public String accept(int id) {
        byte[] piece = tokenizer.piece(id);
        if (size + piece.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, size + piece.length));
        }
        System.arraycopy(piece, 0, pending, size, piece.length);
        size += piece.length;
        return take(completeLength());
    }

    /** Returns whatever is held back (an unfinished character becomes U+FFFD) and starts afresh. */
    public String flush() {
        return take(size);
    }

    private String take(int n) {
        String text = new String(pending, 0, n, StandardCharsets.UTF_8);
        System.arraycopy(pending, n, pending, 0, size - n);
        size -= n;
        return text;
    }

    /** The length of the prefix that ends on a character boundary: all but an unfinished trailing sequence. */
    private int completeLength() {
        // look back at most 3 bytes for the lead byte of the last sequence
        for (int i = size - 1; i >= Math.max(0, size - 4); i--) {
            int b = pending[i] & 0xFF;
            if ((b & 0xC0) == 0x80) continue; // continuation byte
            int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return size - i < needed ? i : size;
        }
        return size; // no lead byte in reach: malformed, let the decoder replace it
    }
}
