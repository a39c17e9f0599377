package dev.specula.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ROUGE-L F-measure (Lin, 2004) between a candidate and one reference: words are runs of letters and digits,
 * lower-cased; with L the longest common subsequence of the two word lists, P = L / |candidate|,
 * R = L / |reference| and F = 2PR / (P + R) (β = 1, as Google's rouge-score package reports {@code rougeL}).
 * No stemming and no stop words, so the score is exactly reproducible. Two empty texts score 1, one empty 0.
 */
public final class RougeL {

    private RougeL() {}

    public static double f(String candidate, String reference) {
        List<String> c = words(candidate);
        List<String> r = words(reference);
        if (c.isEmpty() && r.isEmpty()) return 1;
        if (c.isEmpty() || r.isEmpty()) return 0;
        int l = lcs(c, r);
        if (l == 0) return 0;
        double p = (double) l / c.size();
        double rec = (double) l / r.size();
        return 2 * p * rec / (p + rec);
    }

    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        String s = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (Character.isLetterOrDigit(cp)) {
                w.appendCodePoint(cp);
            } else if (!w.isEmpty()) {
                out.add(w.toString());
                w.setLength(0);
            }
            i += Character.charCount(cp);
        }
        if (!w.isEmpty()) out.add(w.toString());
        return out;
    }

    /** Length of the longest common subsequence, in O(|a|·|b|) time and O(|b|) memory. */
    static int lcs(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (String x : a) {
            for (int j = 1; j <= b.size(); j++) {
                cur[j] = x.equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }
}
