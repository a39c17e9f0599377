package dev.specula.train;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How answers about a scene are judged: captions by what they name, multiple choice by the letter. */
public final class Scoring {
    private static final Pattern CHOICE = Pattern.compile("\\(([A-Z])\\)");

    private Scoring() {}

    /**
     * Whether a caption names every object by its colour and shape ("red triangle") and names no
     * colour-shape pair the scene does not hold.
     */
    public static boolean captionNamesEverything(Scene scene, String caption) {
        String text = caption.toLowerCase(Locale.ROOT);
        for (Scene.Colour c : Scene.Colour.values()) {
            for (Scene.Shape s : Scene.Shape.values()) {
                boolean inScene = scene.things().stream().anyMatch(t -> t.colour() == c && t.shape() == s);
                boolean named = text.contains(Scene.word(c) + " " + Scene.word(s));
                if (inScene != named) return false;
            }
        }
        return true;
    }

    /** The letter of the first "(X)" in an answer ("The answer is (B). ..."), or null when there is none. */
    public static String choice(String answer) {
        Matcher m = CHOICE.matcher(answer);
        return m.find() ? m.group(1) : null;
    }
}
