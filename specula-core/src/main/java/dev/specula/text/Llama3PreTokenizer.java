package dev.specula.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text into words with the llama-3 pre-tokenizer pattern
 * <pre>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</pre>
 * as a hand-written scanner that takes the alternatives in order, the way llama.cpp's
 * {@code unicode_regex_split_custom_llama3} does (it does not use a regex engine either, and its
 * {@code \s} is Unicode's White_Space property, which neither Java's {@code \s} nor
 * {@code Character.isWhitespace} is).
 */
final class Llama3PreTokenizer {
    private Llama3PreTokenizer() {}

    static List<String> split(String text) {
        int[] cp = text.codePoints().toArray();
        int n = cp.length;
        List<String> words = new ArrayList<>();
        for (int pos = 0; pos < n; ) {
            int end = matchAt(cp, pos);
            words.add(new String(cp, pos, end - pos));
            pos = end;
        }
        return words;
    }

    /** The end (exclusive, always past {@code pos}) of the word that starts at {@code pos}. */
    private static int matchAt(int[] cp, int pos) {
        int n = cp.length;
        int c = cp[pos];

        // (?i:'s|'t|'re|'ve|'m|'ll|'d)
        if (c == '\'' && pos + 1 < n) {
            int c1 = asciiLower(cp[pos + 1]);
            if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') return pos + 2;
            if (pos + 2 < n) {
                int c2 = asciiLower(cp[pos + 2]);
                if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) return pos + 3;
            }
        }

        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (!(c == '\r' || c == '\n' || isNumber(c)) && (isLetter(c) || (pos + 1 < n && isLetter(cp[pos + 1])))) {
            int p = pos + 1;
            while (p < n && isLetter(cp[p])) p++;
            return p;
        }

        // \p{N}{1,3}
        if (isNumber(c)) {
            int p = pos;
            while (p < n && p - pos < 3 && isNumber(cp[p])) p++;
            return p;
        }

        // ' ?[^\s\p{L}\p{N}]+[\r\n]*' -- as in llama.cpp, a lone space at the very end also lands here
        boolean other = c == ' ' ? pos + 1 >= n || isOther(cp[pos + 1]) : isOther(c);
        if (other) {
            int p = c == ' ' ? pos + 1 : pos;
            while (p < n && isOther(cp[p])) p++;
            while (p < n && (cp[p] == '\r' || cp[p] == '\n')) p++;
            return p;
        }

        int spaces = 0;
        int afterLastNewline = -1;
        while (pos + spaces < n && isWhitespace(cp[pos + spaces])) {
            int w = cp[pos + spaces];
            spaces++;
            if (w == '\r' || w == '\n') afterLastNewline = pos + spaces;
        }
        // \s*[\r\n]+
        if (afterLastNewline > 0) return afterLastNewline;
        // \s+(?!\S): leave the last space to prefix the next word
        if (spaces > 1 && pos + spaces < n) return pos + spaces - 1;
        // \s+
        if (spaces > 0) return pos + spaces;
        return pos + 1;
    }

    private static int asciiLower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean isOther(int c) {
        return !(isWhitespace(c) || isLetter(c) || isNumber(c));
    }

    static boolean isLetter(int c) {
        return Character.isLetter(c);
    }

    static boolean isNumber(int c) {
        int t = Character.getType(c);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    /** Unicode's White_Space property, the set llama.cpp's tables use for {@code \s}. */
    static boolean isWhitespace(int c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }
}
