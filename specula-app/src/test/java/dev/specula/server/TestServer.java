package dev.specula.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.specula.engine.Engine;
import dev.specula.engine.EngineConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * An in-process server on loopback over the fixture models (the tiny LLaVA target, its mmproj and the tiny
 * draft), and the HTTP calls the tests make. Port 0: the system picks a free one.
 */
final class TestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NAME = "tiny-llava";

    final Engine engine;
    final OpenAiServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    TestServer(boolean draft, int sessions, ServerConfig config) throws IOException {
        EngineConfig c = EngineConfig.of(fixture("tiny-llava-lm-f16.gguf")).withMmproj(fixture("tiny-llava-mmproj-f16.gguf"))
                .withThreads(2).withContextLength(2048).withSessions(sessions);
        if (draft) c = c.withDraft(fixture("tiny-draft-f16.gguf"), null);
        engine = Engine.load(c, null);
        server = OpenAiServer.start(engine, config.withHost("127.0.0.1").withPort(0));
    }

    static ServerConfig config() {
        return ServerConfig.defaults(NAME).withLimits(256 * 1024, 1_000_000, 8192, 1500, 32);
    }

    static Path fixture(String name) {
        return Path.of(System.getProperty("specula.testFixtures", "../specula-core/src/test/resources/fixtures")).resolve(name);
    }

    static String dataUrl(Path png) throws IOException {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(png));
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    HttpResponse<String> post(String path, String contentType, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, String body) throws IOException, InterruptedException {
        return post(path, "application/json", body);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode health() throws IOException, InterruptedException {
        return JSON.readTree(get("/health").body());
    }

    /** A chat request body: one user message with the text and, when given, the image as a data: URL. */
    static String chatBody(String text, String imageUrl, int maxTokens, boolean stream) {
        var root = JSON.createObjectNode();
        root.put("model", NAME);
        var content = root.putArray("messages").addObject().put("role", "user").putArray("content");
        content.addObject().put("type", "text").put("text", text);
        if (imageUrl != null) content.addObject().put("type", "image_url").putObject("image_url").put("url", imageUrl);
        root.put("max_tokens", maxTokens);
        root.put("temperature", 0);
        root.put("stream", stream);
        return root.toString();
    }

    @Override
    public void close() {
        server.close();
        engine.close();
        client.close();
    }
}
