package dev.specula.train;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The procedural demo world. A scene is a pure function of (seed, split, index), so the train,
 * validation and test splits never overlap and any scene can be regenerated without storing it.
 */
public final class SceneWorld {

    public enum Split { TRAIN, VALIDATION, TEST }

    private final long seed;

    public SceneWorld(long seed) {
        this.seed = seed;
    }

    /** The scene at {@code index} of a split. */
    public Scene scene(Split split, int index) {
        // a distinct stream per split and index: mixing via SplittableRandom's own seeding
        long s = new SplittableRandom(seed * 31 + split.ordinal()).split().nextLong() ^ (index * 0x9E3779B97F4A7C15L);
        SplittableRandom rnd = new SplittableRandom(s);
        int n = 1 + rnd.nextInt(3);
        // distinct shapes and places per scene: questions name a thing by its shape
        List<Scene.Shape> shapes = new ArrayList<>(List.of(Scene.Shape.values()));
        List<Scene.Place> places = new ArrayList<>(List.of(Scene.Place.values()));
        List<Scene.Thing> things = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Scene.Shape shape = shapes.remove(rnd.nextInt(shapes.size()));
            Scene.Place place = places.remove(rnd.nextInt(places.size()));
            Scene.Colour colour = Scene.Colour.values()[rnd.nextInt(Scene.Colour.values().length)];
            Scene.Size size = Scene.Size.values()[rnd.nextInt(2)];
            things.add(new Scene.Thing(shape, colour, size, place));
        }
        things.sort((a, b) -> Integer.compare(a.place().ordinal(), b.place().ordinal()));
        Scene.Background bg = Scene.Background.values()[rnd.nextInt(Scene.Background.values().length)];
        return new Scene(s, bg, List.copyOf(things));
    }

    /** Colours not in {@code used}, for wrong answer choices. */
    static List<Scene.Colour> otherColours(EnumSet<Scene.Colour> used) {
        List<Scene.Colour> out = new ArrayList<>();
        for (Scene.Colour c : Scene.Colour.values()) if (!used.contains(c)) out.add(c);
        return out;
    }
}
