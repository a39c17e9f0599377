package dev.specula.engine;

import java.util.List;

/**
 * The answer's text on its way to the listener, watched for stop strings. Text that could still grow into
 * a stop string is held back until it cannot, so a listener never sees part of a stop string.
 */
final class StopText {
    private final List<String> stops;
    private final StringBuilder text = new StringBuilder();
    private int sent;
    private String matched;

    StopText(List<String> stops) {
        this.stops = stops;
    }

    /** Appends decoded text; returns what may be sent now. Once a stop string appears, no more is sent. */
    String add(String piece) {
        if (matched != null) return "";
        int from = Math.max(0, text.length() - longest() + 1);
        text.append(piece);
        int cut = -1;
        for (String s : stops) {
            int at = text.indexOf(s, from);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
                matched = s;
            }
        }
        if (cut >= 0) {
            text.setLength(cut);
            return take(text.length());
        }
        return take(text.length() - heldBack());
    }

    /** At the end: whatever was held back. */
    String flush() {
        return take(text.length());
    }

    String matched() {
        return matched;
    }

    String text() {
        return text.toString();
    }

    private String take(int end) {
        if (end <= sent) return "";
        String s = text.substring(sent, end);
        sent = end;
        return s;
    }

    /** The longest tail of the text that begins some stop string. */
    private int heldBack() {
        int best = 0;
        for (String s : stops) {
            for (int n = Math.min(s.length() - 1, text.length()); n > best; n--) {
                if (CharSequence.compare(text.subSequence(text.length() - n, text.length()), s.subSequence(0, n)) == 0) {
                    best = n;
                    break;
                }
            }
        }
        return best;
    }

    private int longest() {
        int n = 1;
        for (String s : stops) n = Math.max(n, s.length());
        return n;
    }
}
