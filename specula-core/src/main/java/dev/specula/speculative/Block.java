package dev.specula.speculative;

import java.util.Arrays;

/** What one verification yields: the accepted prefix of the draft, then the target's own token if any. */
final class Block {
    int[] tokens = new int[16];
    int length;
    /** How many of the first tokens are accepted proposals; a token after them came from the target. */
    int accepted;

    void reset() {
        length = 0;
        accepted = 0;
    }

    void accept(int token) {
        add(token);
        accepted++;
    }

    void add(int token) {
        if (length == tokens.length) tokens = Arrays.copyOf(tokens, length * 2);
        tokens[length++] = token;
    }
}
