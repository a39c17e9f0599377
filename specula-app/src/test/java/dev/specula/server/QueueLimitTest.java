package dev.specula.server;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.specula.server.TestServer.JSON;
import static dev.specula.server.TestServer.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

/** With every session busy and no room in the queue, a request gets 429, and is served once room is back. */
class QueueLimitTest {

    @Test
    void aFullQueueAnswers429() throws Exception {
        try (TestServer server = new TestServer(false, 1, TestServer.config().withLimits(256 * 1024, 1_000_000, 8192, 1500, 0))) {
            CompletableFuture<HttpResponse<String>> longOne = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.postJson("/v1/chat/completions", chatBody("Tell me a long story.", null, 600, false));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.health().get("sessions_free").asInt() != 0 && System.nanoTime() < deadline) Thread.sleep(5);
            HttpResponse<String> refused = server.postJson("/v1/chat/completions", chatBody("Hi.", null, 2, false));
            assertThat(longOne.isDone()).as("the long request still runs").isFalse();
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(JSON.readTree(refused.body()).at("/error/code").asText()).isEqualTo("queue_full");
            assertThat(longOne.get(120, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(server.postJson("/v1/chat/completions", chatBody("Hi.", null, 2, false)).statusCode()).isEqualTo(200);
        }
    }
}
