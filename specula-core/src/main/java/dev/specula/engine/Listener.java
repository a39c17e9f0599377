package dev.specula.engine;

/** Told the answer's text as it becomes final, piece by piece; returns false to stop the generation. */
@FunctionalInterface
public interface Listener {
    boolean onText(String piece);

    Listener NONE = piece -> true;
}
