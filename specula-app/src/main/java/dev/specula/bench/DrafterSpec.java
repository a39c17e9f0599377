package dev.specula.bench;

import dev.specula.engine.EngineConfig;

import java.nio.file.Path;

/**
 * One drafter to benchmark: a draft model (optionally with its image adapter) or n-gram lookup, with a fixed
 * γ or adaptive γ up to it. Adaptive and fixed forms of the same drafter share one loaded engine.
 *
 * @param name short name of the drafter, e.g. "language-only"
 */
public record DrafterSpec(String name, Path draft, Path draftMmproj, int ngram, boolean adaptive) {

    public DrafterSpec {
        if ((draft == null) == (ngram <= 0)) throw new IllegalArgumentException("a drafter is a draft model or n-gram lookup");
        if (draftMmproj != null && draft == null) throw new IllegalArgumentException("a draft adapter needs a draft model");
    }

    public static DrafterSpec model(String name, Path draft, Path adapter) {
        return new DrafterSpec(name, draft, adapter, 0, false);
    }

    public static DrafterSpec ngram(int n) {
        return new DrafterSpec("ngram-" + n, null, null, n, false);
    }

    public DrafterSpec asAdaptive() {
        return new DrafterSpec(name, draft, draftMmproj, ngram, true);
    }

    /** The row label: the name, and "adaptive" for adaptive γ. */
    public String label() {
        return adaptive ? name + " adaptive" : name;
    }

    public EngineConfig configure(EngineConfig target) {
        return draft != null ? target.withDraft(draft, draftMmproj) : target.withNgram(ngram);
    }
}
