package dev.specula.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.specula.server.TestServer.JSON;
import static dev.specula.server.TestServer.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

/** The endpoints over raw HTTP on loopback: shapes, identity with the CLI, and the streaming format. */
class OpenAiServerTest {
    static TestServer speculative;
    static TestServer plain;
    static final Path IMAGE = TestServer.fixture("images/shapes_160x120.png");

    @BeforeAll
    static void start() throws Exception {
        speculative = new TestServer(true, 1, TestServer.config());
        plain = new TestServer(false, 1, TestServer.config());
    }

    @AfterAll
    static void stop() {
        speculative.close();
        plain.close();
    }

    @Test
    void greedyAnswerWithADraftEqualsTheCliAnswer() throws Exception {
        CliAnswer cli = CliAnswer.of("Describe the image.", IMAGE, 24, true);
        HttpResponse<String> r = speculative.postJson("/v1/chat/completions", chatBody("Describe the image.", TestServer.dataUrl(IMAGE), 24, false));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode root = JSON.readTree(r.body());
        assertThat(root.at("/choices/0/message/content").asText()).isEqualTo(cli.text());
        assertThat(root.at("/usage/completion_tokens").asInt()).isEqualTo(cli.tokens());
        assertThat(root.at("/speculative/drafted").asLong()).isPositive();
        for (String k : List.of("block_efficiency", "acceptance_rate", "drafted", "accepted", "target_calls", "gamma")) {
            assertThat(root.get("speculative").has(k)).as(k).isTrue();
        }
    }

    @Test
    void greedyAnswerWithoutADraftEqualsTheCliAnswer() throws Exception {
        CliAnswer cli = CliAnswer.of("Hello there.", null, 20, false);
        HttpResponse<String> r = plain.postJson("/v1/chat/completions", chatBody("Hello there.", null, 20, false));
        JsonNode root = JSON.readTree(r.body());
        assertThat(root.at("/choices/0/message/content").asText()).isEqualTo(cli.text());
        assertThat(root.at("/usage/completion_tokens").asInt()).isEqualTo(cli.tokens());
        assertThat(root.at("/speculative/block_efficiency").asDouble()).isEqualTo(1.0);
        assertThat(root.at("/object").asText()).isEqualTo("chat.completion");
        assertThat(root.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(root.at("/choices/0/finish_reason").asText()).isIn("stop", "length");
    }

    @Test
    void streamingSendsRoleThenContentThenFinishThenDone() throws Exception {
        String body = chatBody("Describe the image.", TestServer.dataUrl(IMAGE), 16, true);
        HttpResponse<String> whole = speculative.postJson("/v1/chat/completions", body.replace("\"stream\":true", "\"stream\":false"));
        HttpResponse<String> r = speculative.postJson("/v1/chat/completions", body);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> events = Sse.events(r.body());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (String e : events.subList(0, events.size() - 1)) chunks.add(JSON.readTree(e));
        assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks) {
            assertThat(c.at("/object").asText()).isEqualTo("chat.completion.chunk");
            text.append(c.at("/choices/0/delta/content").asText(""));
        }
        JsonNode last = chunks.getLast();
        assertThat(last.at("/choices/0/finish_reason").asText()).isIn("stop", "length");
        assertThat(last.at("/usage/completion_tokens").asInt()).isPositive();
        assertThat(last.has("speculative")).isTrue();
        for (JsonNode c : chunks.subList(0, chunks.size() - 1)) assertThat(c.at("/choices/0/finish_reason").isNull()).isTrue();
        assertThat(text.toString()).isEqualTo(JSON.readTree(whole.body()).at("/choices/0/message/content").asText());
    }

    @Test
    void completionsAnswerPlainText() throws Exception {
        HttpResponse<String> r = plain.postJson("/v1/completions",
                "{\"model\":\"tiny-llava\",\"prompt\":\"Once upon a time\",\"max_tokens\":8,\"temperature\":0}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode root = JSON.readTree(r.body());
        assertThat(root.at("/object").asText()).isEqualTo("text_completion");
        assertThat(root.at("/choices/0/text").isTextual()).isTrue();
        assertThat(root.at("/usage/completion_tokens").asInt()).isBetween(1, 8);
    }

    @Test
    void aStopStringCutsTheAnswer() throws Exception {
        JsonNode full = JSON.readTree(plain.postJson("/v1/chat/completions", chatBody("Hello there.", null, 30, false)).body());
        String text = full.at("/choices/0/message/content").asText();
        assertThat(text.length()).isGreaterThan(8);
        String stop = text.substring(4, 7);
        String body = chatBody("Hello there.", null, 30, false).replace("\"stream\":false", "\"stream\":false,\"stop\":[" + JSON.writeValueAsString(stop) + "]");
        JsonNode cut = JSON.readTree(plain.postJson("/v1/chat/completions", body).body());
        assertThat(cut.at("/choices/0/message/content").asText()).isEqualTo(text.substring(0, text.indexOf(stop)));
        assertThat(cut.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void modelsHealthMetricsAndThePage() throws Exception {
        JsonNode models = JSON.readTree(plain.get("/v1/models").body());
        assertThat(models.at("/data/0/id").asText()).isEqualTo(TestServer.NAME);
        assertThat(plain.health().get("status").asText()).isEqualTo("ok");
        plain.postJson("/v1/chat/completions", chatBody("Hi.", null, 2, false));
        String metrics = plain.get("/metrics").body();
        assertThat(metrics).contains("# TYPE specula_requests_total counter").contains("specula_block_efficiency")
                .contains("specula_queue_length 0");
        assertThat(metrics.lines().filter(l -> l.startsWith("specula_completion_tokens_total ")).findFirst().orElseThrow())
                .doesNotEndWith(" 0");
        HttpResponse<String> page = plain.get("/");
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("/v1/chat/completions");
    }
}
