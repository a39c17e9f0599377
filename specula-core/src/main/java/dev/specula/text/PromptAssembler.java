package dev.specula.text;

import dev.specula.model.Prompt;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns prompt text with image markers into the model's input, as llama.cpp's mtmd does: the text is cut
 * at each marker, every text piece is tokenized on its own (BOS only on the first, special tokens parsed),
 * and each marker is replaced by the next image's embeddings. Images without any marker go before the text.
 */
public final class PromptAssembler {
    /** The marker users write; llama.cpp's own default marker is accepted too. */
    public static final String MARKER = "<image>";
    public static final String MTMD_MARKER = "<__media__>";

    private final Tokenizer tokenizer;

    public PromptAssembler(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Raw completion: the text as given, with markers. */
    public Prompt raw(String text, List<Prompt.Image> images) {
        List<int[]> pieces = textPieces(text, images.size());
        List<Prompt.Part> parts = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            if (pieces.get(i).length > 0) parts.add(new Prompt.Text(pieces.get(i)));
            if (i < images.size()) parts.add(images.get(i));
        }
        return new Prompt(parts);
    }

    /**
     * The tokens of {@link #raw}'s text parts for a prompt with {@code images} images, without their
     * payload: piece i comes before image i, the last piece after the last image; a piece is empty where
     * no text stands there (BOS, when the tokenizer adds it, starts the first).
     */
    public List<int[]> textPieces(String text, int images) {
        String normalized = text.replace(MTMD_MARKER, MARKER);
        int markers = count(normalized);
        if (markers == 0 && images > 0) {
            normalized = MARKER.repeat(images) + normalized;
            markers = images;
        }
        if (markers != images) {
            throw new IllegalArgumentException("the prompt has " + markers + " image marker(s) " + MARKER
                    + " but " + images + " image(s) were given");
        }
        List<int[]> pieces = new ArrayList<>(markers + 1);
        int from = 0;
        while (true) {
            int at = normalized.indexOf(MARKER, from);
            String piece = normalized.substring(from, at < 0 ? normalized.length() : at);
            boolean first = pieces.isEmpty();
            pieces.add(first || !piece.isEmpty() ? tokenizer.encode(piece, first, true) : new int[0]);
            if (at < 0) return pieces;
            from = at + MARKER.length();
        }
    }

    /** The LLaVA-1.5 conversation template around one user message; images without markers go first. */
    public Prompt chat(String system, String userMessage, List<Prompt.Image> images) {
        String message = userMessage.replace(MTMD_MARKER, MARKER);
        if (count(message) == 0 && !images.isEmpty()) {
            message = (MARKER + "\n").repeat(images.size()) + message;
        }
        return raw(ChatTemplate.vicuna(system, message), images);
    }

    private static int count(String s) {
        int n = 0;
        for (int at = s.indexOf(MARKER); at >= 0; at = s.indexOf(MARKER, at + MARKER.length())) n++;
        return n;
    }
}
