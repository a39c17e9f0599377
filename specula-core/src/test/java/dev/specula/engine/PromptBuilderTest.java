package dev.specula.engine;

import dev.specula.text.PromptAssembler;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A chat request's text in each {@link ChatFormat}. */
class PromptBuilderTest {
    private static final String MARKER = PromptAssembler.MARKER;

    private static Request chat(Message... messages) {
        return Request.chat(List.of(messages), 16);
    }

    @Test
    void vicunaTurnsWithLlavasSystemPrompt() {
        String text = PromptBuilder.text(chat(new Message(Message.Role.USER, List.of(new Message.Text("Hi.")))), ChatFormat.VICUNA);
        assertThat(text).startsWith(dev.specula.text.ChatTemplate.LLAVA_SYSTEM_PROMPT + "\n\n").endsWith("USER: Hi.\nASSISTANT:");
    }

    @Test
    void linesAreTheDemoWorldsTrainingFormat() {
        Message.Image image = new Message.Image(new dev.specula.vision.RgbImage(1, 1, new byte[3]));
        Request r = chat(new Message(Message.Role.SYSTEM, List.of(new Message.Text("Be brief."))),
                new Message(Message.Role.USER, List.of(image, new Message.Text("Describe the image."))));
        // one user turn: exactly WorldExamples.promptText
        assertThat(PromptBuilder.text(r, ChatFormat.LINES))
                .isEqualTo(dev.specula.train.WorldExamples.promptText("Describe the image."))
                .isEqualTo(MARKER + "Describe the image.\n");
        Request turns = chat(new Message(Message.Role.USER, List.of(image, new Message.Text("What is it?"))),
                new Message(Message.Role.ASSISTANT, List.of(new Message.Text("A star."))),
                new Message(Message.Role.USER, List.of(new Message.Text("What colour?"))));
        assertThat(PromptBuilder.text(turns, ChatFormat.LINES)).isEqualTo(MARKER + "What is it?\nA star.\nWhat colour?\n");
    }
}
