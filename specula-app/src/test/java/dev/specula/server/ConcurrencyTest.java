package dev.specula.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.specula.server.TestServer.JSON;
import static dev.specula.server.TestServer.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

/** Many clients at once, on 4 sessions over shared weights, and a client that leaves mid-stream. */
class ConcurrencyTest {
    static TestServer server;
    static final Path IMAGE = TestServer.fixture("images/shapes_160x120.png");
    static final Path IMAGE2 = TestServer.fixture("images/gray_64x64.png");

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(true, 4, TestServer.config());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void sixteenStreamingClientsGetTheirOwnCompleteCliAnswers() throws Exception {
        int clients = 16;
        List<String> prompts = new ArrayList<>();
        List<Path> images = new ArrayList<>();
        List<CliAnswer> expected = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            prompts.add("Question " + i + ": what is shown?");
            images.add(i % 3 == 0 ? null : i % 3 == 1 ? IMAGE : IMAGE2);
            expected.add(CliAnswer.of(prompts.get(i), images.get(i), 12 + i, true));
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String body = chatBody(prompts.get(i), images.get(i) == null ? null : TestServer.dataUrl(images.get(i)), 12 + i, true);
                futures.add(pool.submit(() -> server.postJson("/v1/chat/completions", body)));
            }
            for (int i = 0; i < clients; i++) {
                HttpResponse<String> r = futures.get(i).get(120, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                List<String> events = Sse.events(r.body());
                assertThat(events.getLast()).isEqualTo("[DONE]");
                StringBuilder text = new StringBuilder();
                String id = null;
                JsonNode last = null;
                for (String e : events.subList(0, events.size() - 1)) {
                    JsonNode c = JSON.readTree(e);
                    if (id == null) id = c.get("id").asText();
                    assertThat(c.get("id").asText()).as("one id per stream").isEqualTo(id);
                    text.append(c.at("/choices/0/delta/content").asText(""));
                    last = c;
                }
                assertThat(text.toString()).as("client %d", i).isEqualTo(expected.get(i).text());
                assertThat(last.at("/usage/completion_tokens").asInt()).isEqualTo(expected.get(i).tokens());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(server.health().get("sessions_free").asInt()).isEqualTo(4);
    }

    @Test
    void aClientThatDisconnectsMidStreamFreesItsSession() throws Exception {
        long cancelledBefore = metric("specula_requests_cancelled_total");
        long tokensBefore = metric("specula_completion_tokens_total");
        String body = chatBody("Tell me a long story.", null, 1500, true);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.server.port()), 5000);
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("\"content\"")) {
                int c = in.read();
                if (c < 0) throw new AssertionError("stream ended early: " + seen);
                seen.append((char) c);
            }
            s.setSoLinger(true, 0); // close with a reset, as a killed client does
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (metric("specula_requests_cancelled_total") == cancelledBefore && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(metric("specula_requests_cancelled_total")).isEqualTo(cancelledBefore + 1);
        assertThat(metric("specula_completion_tokens_total") - tokensBefore).as("tokens generated before the stop").isLessThan(1500);
        while (server.health().get("sessions_free").asInt() != 4 && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(server.health().get("sessions_free").asInt()).isEqualTo(4);
        HttpResponse<String> next = server.postJson("/v1/chat/completions", chatBody("Hi.", null, 4, false));
        assertThat(next.statusCode()).isEqualTo(200);
    }

    private static long metric(String name) throws Exception {
        return server.get("/metrics").body().lines().filter(l -> l.startsWith(name + " ")).map(l -> Long.parseLong(l.substring(name.length() + 1)))
                .findFirst().orElseThrow();
    }
}
