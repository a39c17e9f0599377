package dev.specula.speculative;

import java.util.ArrayList;
import java.util.List;

/**
 * Refuses a draft whose token ids mean something else to the target: speculative decoding compares ids,
 * so every draft id must stand for the same string. Special tokens may differ in text (their meaning is
 * their role), but only where both sides mark the id special. It takes plain token lists (a tokenizer's
 * {@code tokenText} and {@code isSpecial} for every id) so that this package does not depend on the text one.
 */
public final class VocabularyCheck {
    private static final int SHOWN = 5;

    private VocabularyCheck() {}

    /**
     * @throws IllegalArgumentException saying how many ids differ (an id only one side has counts) and
     *                                  showing the first few as id, target string, draft string
     */
    public static void requireCompatible(String[] targetTokens, boolean[] targetSpecial,
                                         String[] draftTokens, boolean[] draftSpecial) {
        int n = Math.max(targetTokens.length, draftTokens.length);
        int differing = 0;
        List<String> shown = new ArrayList<>();
        for (int id = 0; id < n; id++) {
            String t = id < targetTokens.length ? targetTokens[id] : null;
            String d = id < draftTokens.length ? draftTokens[id] : null;
            boolean bothSpecial = t != null && d != null && targetSpecial[id] && draftSpecial[id];
            if ((t == null || !t.equals(d)) && !bothSpecial) {
                if (differing++ < SHOWN) shown.add("id " + id + ": target " + quote(t) + ", draft " + quote(d));
            }
        }
        if (differing == 0) return;
        String sizes = targetTokens.length == draftTokens.length ? ""
                : " (target has " + targetTokens.length + " tokens, draft " + draftTokens.length + ")";
        throw new IllegalArgumentException("draft vocabulary does not match the target's: " + differing + " of " + n
                + " tokens differ" + sizes + "; first: " + String.join("; ", shown));
    }

    private static String quote(String s) {
        if (s == null) return "(none)";
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == '"' || c == '\\') b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
