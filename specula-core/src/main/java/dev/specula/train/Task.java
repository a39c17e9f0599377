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
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** The example of this task for a scene; deterministic in the scene's seed. */
    public Example example(Scene scene) {
        SplittableRandom rnd = new SplittableRandom(scene.seed() + ordinal());
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
        // shuffle the three choices so the right letter is uniform
        for (int i = choices.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            String x = choices.get(i);
            choices.set(i, choices.get(j));
            choices.set(j, x);
        }
        StringBuilder prompt = new StringBuilder(question);
        for (int i = 0; i < choices.size(); i++) prompt.append(" (").append((char) ('A' + i)).append(") ").append(choices.get(i));
        String letter = String.valueOf((char) ('A' + choices.indexOf(right)));
        String ref = "The answer is (" + letter + "). " + reason;
        return new Example(prompt.toString(), ref, List.copyOf(choices), letter);
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
