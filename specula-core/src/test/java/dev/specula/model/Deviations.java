package dev.specula.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * The worst deviation from llama.cpp's recorded top logits per fixture family (the model file), as a share of
 * the step's largest logit: what the fidelity tests measure, printed once per test class.
 */
public final class Deviations {
    private final String suite;
    private final Map<String, Double> worst = new TreeMap<>();

    public Deviations(String suite) {
        this.suite = suite;
    }

    /** Records one compared logit of a run on {@code model} (a file name). */
    public synchronized void record(String model, float logit, float expected, float scale) {
        String family = model.replace(".gguf", "");
        worst.merge(family, (double) Math.abs(logit - expected) / scale, Math::max);
    }

    public synchronized void print() {
        StringBuilder sb = new StringBuilder(suite + ": worst top-5 deviation from llama.cpp, % of the step's largest logit, at "
                + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() + " float lanes:");
        worst.forEach((family, d) -> sb.append(String.format(java.util.Locale.ROOT, "%n  %-32s %.4f%%", family, 100 * d)));
        System.out.println(sb);
    }
}
