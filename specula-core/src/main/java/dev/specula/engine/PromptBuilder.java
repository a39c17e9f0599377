package dev.specula.engine;

import dev.specula.model.Prompt;
import dev.specula.text.ChatTemplate;
import dev.specula.text.PromptAssembler;

import java.util.List;

/**
 * A request's messages as the text the tokenizer reads, with an image marker for every image. Chat mode
 * follows llama.cpp's {@code vicuna} template turn by turn; with one user turn it is exactly
 * {@link ChatTemplate#vicuna} around {@link PromptAssembler#chat}'s message, so the engine and
 * {@code generate --chat} build the same prompt.
 */
final class PromptBuilder {
    private PromptBuilder() {}

    static Prompt build(PromptAssembler assembler, Request request, List<Prompt.Image> images, ChatFormat format) {
        return assembler.raw(text(request, format), images);
    }

    /** The request's text, an image marker standing for each image. */
    static String text(Request request, ChatFormat format) {
        if (!request.chat()) {
            StringBuilder text = new StringBuilder();
            for (Message m : request.messages()) text.append(marked(m, false));
            return text.toString();
        }
        if (format == ChatFormat.LINES) return lines(request);
        StringBuilder system = new StringBuilder();
        StringBuilder turns = new StringBuilder();
        for (Message m : request.messages()) {
            switch (m.role()) {
                case SYSTEM -> {
                    if (!m.images().isEmpty()) throw new IllegalArgumentException("a system message cannot hold images");
                    if (!system.isEmpty()) system.append('\n');
                    system.append(m.text());
                }
                case USER -> turns.append("USER: ").append(marked(m, true)).append('\n');
                case ASSISTANT -> {
                    if (!m.images().isEmpty()) throw new IllegalArgumentException("an assistant message cannot hold images");
                    turns.append("ASSISTANT: ").append(m.text()).append("</s>\n");
                }
            }
        }
        String sys = request.messages().stream().anyMatch(m -> m.role() == Message.Role.SYSTEM)
                ? system.toString() : ChatTemplate.LLAVA_SYSTEM_PROMPT;
        String head = sys.isEmpty() ? "" : sys + "\n\n";
        return head + turns + "ASSISTANT:";
    }

    /** {@link ChatFormat#LINES}: every user and assistant turn one line, system messages left out. */
    private static String lines(Request request) {
        StringBuilder text = new StringBuilder();
        for (Message m : request.messages()) {
            if (m.role() == Message.Role.SYSTEM) continue;
            if (m.role() == Message.Role.ASSISTANT && !m.images().isEmpty()) {
                throw new IllegalArgumentException("an assistant message cannot hold images");
            }
            String line = m.role() == Message.Role.USER ? marked(m, false) : m.text();
            text.append(line);
            if (!line.endsWith("\n")) text.append('\n');
        }
        return text.toString();
    }

    /** The message's text, with a marker per image first (one line each in chat) unless the text places them. */
    private static String marked(Message m, boolean chat) {
        String text = m.text().replace(PromptAssembler.MTMD_MARKER, PromptAssembler.MARKER);
        int images = m.images().size();
        if (images > 0 && !text.contains(PromptAssembler.MARKER)) {
            text = (PromptAssembler.MARKER + (chat ? "\n" : "")).repeat(images) + text;
        }
        return text;
    }
}
