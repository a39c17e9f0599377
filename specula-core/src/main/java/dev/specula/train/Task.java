package dev.specula.train;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The paper's three tasks over a scene, in LLaVA's verbose answer style. Verbose, templated answers
 * are deliberate: they make a small language-only draft predictable (see issue 9).
 */
public enum Task {
    CAPTION, QA, CHAT;

    /** One prompt and its reference answer; {@code choices} and {@code answer} are set for QA only. */
    public record Example(String prompt, String reference, List<String> choices, String answer) {}

    public static Task parse(String s) {
        for (Task t : values()) if (t.name().equalsIgnoreCase(s.trim())) return t;
        throw new IllegalArgumentException("unknown task '" + s + "': use caption, qa or chat");
    }

    /** The example of this task for a scene; deterministic in the scene's seed. */
    public Example example(Scene scene) {
        return example(scene, 0);
    }

    /**
     * Another example of this task for the same scene (variant 0 is {@link #example(Scene)}): QA asks about
     * another object or property, chat picks another question; a caption has one wording.
     */
    public Example example(Scene scene, int variant) {
        SplittableRandom rnd = new SplittableRandom(scene.seed() + ordinal() + 0x9E3779B97F4A7C15L * variant);
        return switch (this) {
            case CAPTION -> new Example("Describe the image.", caption(scene), null, null);
            case QA -> qa(scene, rnd);
            case CHAT -> chat(scene, rnd);
        };
    }

    static String phrase(Scene.Thing t) {
        return "a " + Scene.word(t.size()) + " " + Scene.word(t.colour()) + " " + Scene.word(t.shape());
    }

    public static String caption(Scene scene) {
        List<Scene.Thing> ts = scene.things();
        StringBuilder sb = new StringBuilder();
        sb.append("The image shows ").append(count(ts.size())).append(" on a ")
                .append(background(scene.background())).append(" background. ");
        for (int i = 0; i < ts.size(); i++) {
            Scene.Thing t = ts.get(i);
            String p = phrase(t);
            sb.append(i == 0 ? "There is " : "There is also ").append(p).append(' ').append(t.place().phrase).append('.');
            if (i + 1 < ts.size()) sb.append(' ');
        }
        return sb.toString();
    }

    private static String count(int n) {
        return switch (n) {
            case 1 -> "one object";
            case 2 -> "two objects";
            default -> "three objects";
        };
    }

    private static String background(Scene.Background b) {
        return switch (b) {
            case WHITE -> "plain white";
            case GREY -> "plain grey";
            case STRIPED -> "lightly striped";
        };
    }

    private static Example qa(Scene scene, SplittableRandom rnd) {
        Scene.Thing t = scene.things().get(rnd.nextInt(scene.things().size()));
        boolean askColour = rnd.nextBoolean();
        List<String> choices = new ArrayList<>();
        String right;
        String question;
        String reason;
        if (askColour) {
            right = Scene.word(t.colour());
            question = "What colour is the " + Scene.word(t.shape()) + "?";
            List<Scene.Colour> wrong = SceneWorld.otherColours(EnumSet.of(t.colour()));
            choices.add(right);
            for (int k = 0; k < 2; k++) choices.add(Scene.word(wrong.remove(rnd.nextInt(wrong.size()))));
            reason = "The " + Scene.word(t.shape()) + " " + t.place().phrase + " is " + right + ".";
        } else {
            right = Scene.word(t.shape());
            question = "What shape is " + t.place().phrase + "?";
            List<Scene.Shape> wrong = new ArrayList<>(List.of(Scene.Shape.values()));
            wrong.remove(t.shape());
            choices.add(right);
            for (int k = 0; k < 2; k++) choices.add(Scene.word(wrong.remove(rnd.nextInt(wrong.size()))));
            reason = "The object " + t.place().phrase + " is " + phrase(t) + ".";
        }
        // The choices stand in the world's fixed order (the enums'), so the letter is the right answer's rank among
        // the options offered: a small target learns that; with shuffled choices it had to find which listed word
        // matches its answer and copy the letter before it, and stayed at chance for thousands of steps.
        List<String> order = askColour ? words(Scene.Colour.values()) : words(Scene.Shape.values());
        choices.sort(java.util.Comparator.comparingInt(order::indexOf));
        StringBuilder prompt = new StringBuilder(question);
        for (int i = 0; i < choices.size(); i++) prompt.append(" (").append((char) ('A' + i)).append(") ").append(choices.get(i));
        String letter = String.valueOf((char) ('A' + choices.indexOf(right)));
        // The short reason comes first, as a chain of thought: the letter then follows from words already said.
        String ref = reason + " The answer is (" + letter + ").";
        return new Example(prompt.toString(), ref, List.copyOf(choices), letter);
    }

    private static List<String> words(Enum<?>[] values) {
        List<String> out = new ArrayList<>();
        for (Enum<?> e : values) out.add(Scene.word(e));
        return out;
    }

    private static Example chat(Scene scene, SplittableRandom rnd) {
        List<Scene.Thing> ts = scene.things();
        String[] questions = {"What can you tell me about this picture?", "What do you see in this image?", "Can you explain what is in the picture?"};
        String q = questions[rnd.nextInt(questions.length)];
        StringBuilder sb = new StringBuilder();
        sb.append("In this picture I can see ").append(count(ts.size())).append(". ");
        for (Scene.Thing t : ts) {
            sb.append("The ").append(Scene.word(t.shape())).append(" is ").append(Scene.word(t.colour()))
                    .append(" and ").append(Scene.word(t.size())).append(", and it is ").append(t.place().phrase).append(". ");
        }
        sb.append("The background is ").append(background(scene.background())).append(", so the objects are easy to see.");
        return new Example(q, sb.toString(), null, null);
    }
}
