package dev.specula.train;

import java.util.List;

/**
 * One picture of the demo world: a background and one to three objects. Pure data, so text and
 * pixels are both derived from it and can never disagree.
 */
public record Scene(long seed, Background background, List<Thing> things) {

    public enum Shape { CIRCLE, SQUARE, TRIANGLE, STAR }

    public enum Colour {
        RED(220, 40, 40), GREEN(40, 180, 60), BLUE(40, 80, 220), YELLOW(235, 210, 40), PURPLE(150, 60, 190), ORANGE(245, 140, 30);

        public final int r, g, b;

        Colour(int r, int g, int b) {
            this.r = r;
            this.g = g;
            this.b = b;
        }
    }

    public enum Size { SMALL, LARGE }

    /** The nine places a thing can stand, read row by row on a 3x3 grid. */
    public enum Place {
        TOP_LEFT("in the top left corner"), TOP("at the top"), TOP_RIGHT("in the top right corner"),
        LEFT("on the left"), CENTRE("in the centre"), RIGHT("on the right"),
        BOTTOM_LEFT("in the bottom left corner"), BOTTOM("at the bottom"), BOTTOM_RIGHT("in the bottom right corner");

        public final String phrase;

        Place(String phrase) {
            this.phrase = phrase;
        }

        public int column() {
            return ordinal() % 3;
        }

        public int row() {
            return ordinal() / 3;
        }
    }

    public enum Background { WHITE, GREY, STRIPED }

    /** One object: each thing in a scene has its own place, so phrases like "the circle" stay unambiguous. */
    public record Thing(Shape shape, Colour colour, Size size, Place place) {}

    /** Lower-case word for an enum constant, with underscores as spaces. */
    public static String word(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
