package dev.specula.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the special tokens written in a text out of it before the text is tokenized, as llama.cpp's
 * {@code tokenizer_st_partition} does: each special token in turn, longest first, is searched in the
 * text pieces that are left. CONTROL and UNKNOWN tokens are only recognised with parseSpecial;
 * USER_DEFINED tokens always are. (llama.cpp's per-model LSTRIP/RSTRIP attributes, used by phi-3 and
 * a few BERT-likes, are not modelled.)
 */
final class SpecialTokenSplitter {
    private SpecialTokenSplitter() {}

    /** A piece of the input: raw text to tokenize ({@code token} = -1), or a special token id. */
    record Fragment(String text, int token) {
        boolean isToken() {
            return token >= 0;
        }
    }

    static List<Fragment> split(Vocabulary vocab, String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) return fragments;
        fragments.add(new Fragment(text, -1));
        for (int id : vocab.specialsLongestFirst) {
            int type = vocab.type[id];
            if (!parseSpecial && (type == Tokenizer.TYPE_CONTROL || type == Tokenizer.TYPE_UNKNOWN)) continue;
            String special = vocab.text[id];
            List<Fragment> result = new ArrayList<>(fragments.size() + 2);
            for (Fragment f : fragments) {
                if (f.isToken() || !f.text.contains(special)) {
                    result.add(f);
                    continue;
                }
                int from = 0;
                for (int at; (at = f.text.indexOf(special, from)) >= 0; from = at + special.length()) {
                    if (at > from) result.add(new Fragment(f.text.substring(from, at), -1));
                    result.add(new Fragment(null, id));
                }
                if (from < f.text.length()) result.add(new Fragment(f.text.substring(from), -1));
            }
            fragments = result;
        }
        return fragments;
    }
}
