package dev.specula.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import static dev.specula.server.TestServer.JSON;
import static dev.specula.server.TestServer.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

/** Every bad request gets a 4xx with OpenAI's error body, and the server answers the next request. */
class BadRequestsTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(false, 1, TestServer.config());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Bad(String name, String path, String contentType, String body, int status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> cases() throws IOException {
        String png = "data:image/png;base64,";
        return Stream.of(
                new Bad("malformed JSON", "/v1/chat/completions", "application/json", "{\"messages\": [", 400),
                new Bad("not an object", "/v1/chat/completions", "application/json", "[1, 2]", 400),
                new Bad("bad base64", "/v1/chat/completions", "application/json", chatBody("What?", png + "@@not base64!!", 4, false), 400),
                new Bad("not an image", "/v1/chat/completions", "application/json",
                        chatBody("What?", png + Base64.getEncoder().encodeToString("hello, not a picture".getBytes(StandardCharsets.UTF_8)), 4, false), 400),
                new Bad("decompression bomb", "/v1/chat/completions", "application/json",
                        chatBody("What?", png + Base64.getEncoder().encodeToString(bombPng()), 4, false), 400),
                new Bad("oversized body", "/v1/chat/completions", "application/json", chatBody("x".repeat(300 * 1024), null, 4, false), 413),
                new Bad("unknown model", "/v1/chat/completions", "application/json", chatBody("Hi.", null, 4, false).replace("tiny-llava", "gpt-4o"), 404),
                new Bad("negative max_tokens", "/v1/chat/completions", "application/json", chatBody("Hi.", null, -3, false), 400),
                new Bad("too many max_tokens", "/v1/chat/completions", "application/json", chatBody("Hi.", null, 100_000, false), 400),
                new Bad("wrong content type", "/v1/chat/completions", "text/plain", chatBody("Hi.", null, 4, false), 415),
                new Bad("no content type", "/v1/chat/completions", null, chatBody("Hi.", null, 4, false), 415),
                new Bad("temperature as a string", "/v1/chat/completions", "application/json",
                        chatBody("Hi.", null, 4, false).replace("\"temperature\":0", "\"temperature\":\"hot\""), 400),
                new Bad("http image refused", "/v1/chat/completions", "application/json", chatBody("What?", "http://127.0.0.1:1/x.png", 4, false), 400),
                new Bad("local path refused", "/v1/chat/completions", "application/json", chatBody("What?", "/etc/passwd", 4, false), 400),
                new Bad("prompt too long", "/v1/chat/completions", "application/json", chatBody("word ".repeat(2000), null, 4, false), 400),
                new Bad("context overflow", "/v1/completions", "application/json",
                        "{\"prompt\":" + JSON.writeValueAsString("ab ".repeat(2700)) + ",\"max_tokens\":4}", 400),
                new Bad("unknown role", "/v1/chat/completions", "application/json", chatBody("Hi.", null, 4, false).replace("\"user\"", "\"wizard\""), 400),
                new Bad("completion without prompt", "/v1/completions", "application/json", "{\"max_tokens\":4}", 400),
                new Bad("unknown endpoint", "/v1/embeddings", "application/json", "{}", 404));
    }

    /** A PNG whose header declares 60000 × 60000 pixels: 10.8 GB of RGB if anyone decoded it. */
    static byte[] bombPng() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(out);
        d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeBytes("IHDR");
        h.writeInt(60000);
        h.writeInt(60000);
        h.write(new byte[] {8, 2, 0, 0, 0});
        byte[] chunk = ihdr.toByteArray();
        d.writeInt(chunk.length - 4);
        d.write(chunk);
        CRC32 crc = new CRC32();
        crc.update(chunk);
        d.writeInt((int) crc.getValue());
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void getsA4xxInOpenAiShapeAndTheServerKeepsServing(Bad bad) throws Exception {
        HttpResponse<String> r = server.post(bad.path(), bad.contentType(), bad.body());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(bad.status());
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("message").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(error.get("type").asText()).isNotBlank();
        HttpResponse<String> ok = server.postJson("/v1/chat/completions", chatBody("Hi.", null, 2, false));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(server.health().get("sessions_free").asInt()).isEqualTo(1);
    }
}
