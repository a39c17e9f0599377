package dev.specula.train;

import dev.specula.engine.Message;
import dev.specula.engine.Request;
import dev.specula.sampling.SamplerConfig;
import dev.specula.text.PromptAssembler;
import dev.specula.text.Tokenizer;
import dev.specula.vision.ClipEncoder;
import dev.specula.vision.ImageFeatures;
import dev.specula.vision.RgbImage;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Training sequences from the demo world, tokenized exactly as the engine builds the prompt it will see:
 * raw text {@code <image>question\n} (BOS, the image's rows, the question's tokens), then the answer and
 * EOS. A language-only draft reads the same prompt with the image dropped, as the engine hands it over.
 */
public final class WorldExamples {

    private WorldExamples() {}

    /** The raw prompt text for a question about one image. */
    public static String promptText(String question) {
        return PromptAssembler.MARKER + question + "\n";
    }

    /** A raw request about one picture in that format (greedy or sampled), as the demo models were trained. */
    public static Request request(String question, RgbImage picture, SamplerConfig sampling, int maxTokens) {
        Message m = new Message(Message.Role.USER, List.of(new Message.Image(picture), new Message.Text(promptText(question))));
        return new Request(List.of(m), false, sampling, maxTokens, List.of(), 4, false, true, 0, null);
    }


    /**
     * One sequence; {@code features} null means language-only (the image dropped). Targets are set on
     * the answer and the EOS after it.
     */
    public static Trainer.Sequence sequence(Tokenizer tok, String question, String answer, ImageFeatures features) {
        return sequence(tok, question, answer, features, 1f);
    }

    /**
     * As above; {@code choiceWeight} scales the gradient at the multiple-choice letter of "The answer is (X)",
     * the one token that decides the answer (a letter-first or unweighted target long stayed at chance there).
     */
    public static Trainer.Sequence sequence(Tokenizer tok, String question, String answer, ImageFeatures features, float choiceWeight) {
        int rows = features == null ? 0 : features.tokens();
        // the engine's text around the one image: BOS before it, the question after it
        List<int[]> pieces = new PromptAssembler(tok).textPieces(promptText(question), 1);
        int[] head = pieces.get(0), question1 = pieces.get(1);
        int[] a = tok.encode(answer, false, false);
        int[] ids = new int[head.length + question1.length + a.length];
        System.arraycopy(head, 0, ids, 0, head.length);
        System.arraycopy(question1, 0, ids, head.length, question1.length);
        System.arraycopy(a, 0, ids, head.length + question1.length, a.length);
        int[] targets = new int[ids.length + rows];
        Arrays.fill(targets, -1);
        // position of the question's last token predicts a[0]; each answer token predicts the next, the last EOS
        int firstAnswer = rows + head.length + question1.length;
        for (int i = 0; i < a.length; i++) targets[firstAnswer - 1 + i] = a[i];
        targets[firstAnswer - 1 + a.length] = tok.eos();
        float[] weights = null;
        if (choiceWeight != 1f) {
            weights = new float[targets.length];
            Arrays.fill(weights, 1f);
            for (int i = 1; i < a.length; i++) {
                if (isChoiceLetter(tok.decode(new int[] {a[i]})) && tok.decode(new int[] {a[i - 1]}).endsWith("(")) {
                    weights[firstAnswer - 1 + i] = choiceWeight;
                }
            }
        }
        return new Trainer.Sequence(ids, targets, head.length, features == null ? null : features.data(), rows, weights, null);
    }

    private static boolean isChoiceLetter(String piece) {
        String p = piece.strip();
        return p.length() == 1 && p.charAt(0) >= 'A' && p.charAt(0) <= 'Z';
    }

    /** The scene as the vision tower reads it: rendered at the tower's size, preprocessed, encoded. */
    public static ImageFeatures features(ClipEncoder tower, Scene scene) {
        RgbImage rgb = rgb(SceneRenderer.render(scene, tower.config().imageSize()));
        return tower.encodeFeatures(tower.preprocessor().preprocess(rgb));
    }

    public static RgbImage rgb(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        byte[] b = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = img.getRGB(x, y), i = (y * w + x) * 3;
                b[i] = (byte) (c >> 16);
                b[i + 1] = (byte) (c >> 8);
                b[i + 2] = (byte) c;
            }
        }
        return new RgbImage(w, h, b);
    }
}
