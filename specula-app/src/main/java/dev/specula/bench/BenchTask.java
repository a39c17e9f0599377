package dev.specula.bench;

import dev.specula.train.Scoring;
import dev.specula.train.Task;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named set of samples of one kind, and how an answer to it is scored: captions and chat answers by
 * {@link RougeL} F against the reference, multiple-choice QA by whether the first "(X)" in the answer is
 * the right letter.
 */
public record BenchTask(String name, Task kind, List<Sample> samples) {
    private static final Pattern BARE_LETTER = Pattern.compile("^\\s*([A-Z])\\b");

    public BenchTask {
        samples = List.copyOf(samples);
        if (samples.isEmpty()) throw new IllegalArgumentException("task " + name + " has no samples");
    }

    public String metric() {
        return kind == Task.QA ? "accuracy" : "rouge-l-f";
    }

    /** The answer's quality in [0, 1]. */
    public double score(Sample s, String answer) {
        if (kind != Task.QA) return RougeL.f(answer, s.reference());
        if (s.answer() == null) throw new IllegalArgumentException("QA sample " + s.id() + " has no \"answer\"");
        String chosen = chosenLetter(answer);
        return s.answer().trim().toUpperCase(Locale.ROOT).equals(chosen) ? 1 : 0;
    }

    /** The letter an answer picks: the first "(X)", else a leading bare letter; null when it picks none. */
    static String chosenLetter(String answer) {
        String bracketed = Scoring.choice(answer);
        if (bracketed != null) return bracketed;
        Matcher m = BARE_LETTER.matcher(answer);
        return m.find() ? m.group(1) : null;
    }
}
