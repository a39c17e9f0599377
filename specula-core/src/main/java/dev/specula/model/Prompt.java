package dev.specula.model;


import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the target reads before it generates: text tokens and image embeddings, in order. Each drafter
 * takes its own view of it: a language-only draft drops the images, an adapter draft puts its own
 * projection of the same image in their place.
 */
public record Prompt(List<Part> parts) {

    /** Inputs are fed in batches of at most this many positions. */
    public static final int BATCH = 256;

    public sealed interface Part permits Text, Image {
        /** Positions the part occupies in the KV cache. */
        int length();
    }

    public record Text(int[] tokens) implements Part {
        public int length() {
            return tokens.length;
        }
    }

    /** {@code count} rows of input embeddings, already in the width of the model that reads them. */
    public record Image(float[] embeddings, int count) implements Part {
        public Image {
            if (count < 1 || embeddings.length % count != 0) {
                throw new IllegalArgumentException(embeddings.length + " floats are not " + count + " equal rows");
            }
        }

        public int length() {
            return count;
        }

        public int width() {
            return embeddings.length / count;
        }
    }

    public Prompt {
        parts = List.copyOf(parts);
        if (parts.stream().mapToInt(Part::length).sum() == 0) throw new IllegalArgumentException("empty prompt");
    }

    public static Prompt of(int... tokens) {
        return new Prompt(List.of(new Text(tokens)));
    }

    /** Positions the whole prompt occupies. */
    public int length() {
        return parts.stream().mapToInt(Part::length).sum();
    }

    /** The text tokens of every text part, concatenated. */
    public int[] textTokens() {
        return parts.stream().filter(p -> p instanceof Text).flatMapToInt(p -> Arrays.stream(((Text) p).tokens())).toArray();
    }

    public int imageCount() {
        return (int) parts.stream().filter(p -> p instanceof Image).count();
    }

    /** The prompt a language-only model reads: the text parts only. */
    public Prompt withoutImages() {
        return Prompt.of(textTokens());
    }

    /** The same prompt with its one image replaced by {@code image} (an adapter draft's own projection). */
    public Prompt withImage(Image image) {
        if (imageCount() != 1) throw new IllegalArgumentException("prompt has " + imageCount() + " images, expected 1");
        List<Part> out = new ArrayList<>(parts.size());
        for (Part p : parts) out.add(p instanceof Image ? image : p);
        return new Prompt(out);
    }

    /**
     * Evaluates the prompt at {@code model.position()} onwards in batches, leaving the logits of its
     * last position in {@code logits[0..vocabSize)}.
     *
     * @return the number of forward passes made
     */
    public int feed(LanguageModel model, float[] logits) {
        int calls = 0;
        for (Part part : parts) {
            calls += switch (part) {
                case Text t -> feedTokens(model, t.tokens(), t.tokens().length, logits);
                case Image im -> feedEmbeddings(model, im, logits);
            };
        }
        return calls;
    }

    /** Feeds {@code tokens[0..count)} in batches; the logits of the last one end up in {@code logits}. */
    public static int feedTokens(LanguageModel model, int[] tokens, int count, float[] logits) {
        int calls = 0;
        for (int start = 0; start < count; start += BATCH) {
            int n = Math.min(BATCH, count - start);
            int[] batch = start == 0 ? tokens : Arrays.copyOfRange(tokens, start, start + n);
            model.forward(batch, n, 1, logits);
            calls++;
        }
        return calls;
    }

    private static int feedEmbeddings(LanguageModel model, Image image, float[] logits) {
        int width = model.embeddingLength();
        if (image.width() != width) {
            throw new IllegalArgumentException("image embeddings are " + image.width() + " wide, the model reads " + width);
        }
        int calls = 0;
        for (int start = 0; start < image.count(); start += BATCH) {
            int n = Math.min(BATCH, image.count() - start);
            float[] rows = start == 0 ? image.embeddings()
                    : Arrays.copyOfRange(image.embeddings(), start * width, (start + n) * width);
            model.forwardEmbeddings(rows, n, 1, logits);
            calls++;
        }
        return calls;
    }
}
