package dev.specula.server;

import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A real OpenAI client, LangChain4j's, pointed at the in-process server, with an image part. */
class LangChain4jTest {
    static TestServer server;
    static final Path IMAGE = TestServer.fixture("images/shapes_160x120.png");

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(true, 2, TestServer.config());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static UserMessage question() throws Exception {
        String png = Base64.getEncoder().encodeToString(Files.readAllBytes(IMAGE));
        return UserMessage.from(TextContent.from("Describe the image."), ImageContent.from(png, "image/png"));
    }

    @Test
    void openAiChatModelGetsTheCliAnswer() throws Exception {
        CliAnswer cli = CliAnswer.of("Describe the image.", IMAGE, 16, true);
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.base() + "/v1").apiKey("unused")
                .modelName(TestServer.NAME).temperature(0.0).maxTokens(16).timeout(Duration.ofSeconds(60)).build();
        ChatResponse r = model.chat(question());
        assertThat(cli.text()).isNotEmpty();
        assertThat(r.aiMessage().text()).isEqualTo(cli.text());
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(cli.tokens());
    }

    @Test
    void openAiStreamingChatModelGetsTheCliAnswer() throws Exception {
        CliAnswer cli = CliAnswer.of("Describe the image.", IMAGE, 16, true);
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(server.base() + "/v1").apiKey("unused")
                .modelName(TestServer.NAME).temperature(0.0).maxTokens(16).timeout(Duration.ofSeconds(60)).build();
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(java.util.List.of(question()), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String s) {
                partial.append(s);
            }

            @Override
            public void onCompleteResponse(ChatResponse r) {
                done.complete(r);
            }

            @Override
            public void onError(Throwable e) {
                done.completeExceptionally(e);
            }
        });
        ChatResponse r = done.get(60, TimeUnit.SECONDS);
        assertThat(partial.toString()).isEqualTo(cli.text());
        assertThat(r.aiMessage().text()).isEqualTo(cli.text());
    }
}
