package dev.specula.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.specula.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class ChatTemplateTest {

    @Test
    void reproducesTheRecordedLlamaCppPromptsWithoutSystemMessage() throws IOException {
        ObjectMapper json = new ObjectMapper();
        String text = json.readTree(Fixtures.own("expected/tiny-llava/f16__text.json").toFile()).get("prompt").asText();
        var mm = json.readTree(Fixtures.own("expected/tiny-llava/f16__gray_64x64.json").toFile());
        String marker = mm.get("marker").asText();

        assertThat(ChatTemplate.vicuna(null, "Hello there.")).isEqualTo(text);
        assertThat(ChatTemplate.vicuna("", marker + "\nDescribe the image.")).isEqualTo(mm.get("prompt").asText());
    }

    @Test
    void putsTheSystemMessageFirstFollowedByABlankLine() {
        assertThat(ChatTemplate.vicuna(ChatTemplate.LLAVA_SYSTEM_PROMPT, "What is this?")).isEqualTo(
                "A chat between a curious human and an artificial intelligence assistant. The assistant gives "
                        + "helpful, detailed, and polite answers to the human's questions.\n\n"
                        + "USER: What is this?\nASSISTANT:");
    }
}
