package dev.specula.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.specula.server.TestServer.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives the chat page in headless Chromium over the DevTools protocol: picks an image in the file input,
 * asks, and watches the answer arrive in several updates, then τ. Skips with a message where Debian's
 * {@code chromium} is not installed.
 */
class ChatPageTest {
    @TempDir
    Path tmp;

    static Path chromium() {
        for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(p))) return Path.of(p);
        }
        return null;
    }

    @Test
    void uploadsAnImageAsksAndSeesAStreamedAnswer() throws Exception {
        Path browser = chromium();
        Assumptions.assumeTrue(browser != null, "skipped: headless Chromium not found (apt-get install chromium)");
        Path image = TestServer.fixture("images/shapes_160x120.png");
        try (TestServer server = new TestServer(true, 1, TestServer.config())) {
            server.server.measureBaseline();
            String expected = TestServer.JSON.readTree(server.postJson("/v1/chat/completions",
                    TestServer.chatBody("What is in the picture?", TestServer.dataUrl(image), 128, false)).body())
                    .at("/choices/0/message/content").asText();
            Process chrome = new ProcessBuilder(browser.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--no-first-run", "--remote-debugging-port=0", "--user-data-dir=" + tmp.resolve("profile"),
                    server.base() + "/").redirectErrorStream(true).start();
            try (HttpClient http = HttpClient.newHttpClient()) {
                String port = devToolsPort(chrome);
                String ws = null;
                for (int i = 0; i < 100 && ws == null; i++) {
                    JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    for (JsonNode t : targets) {
                        if (t.path("type").asText().equals("page") && t.path("url").asText().startsWith(server.base())) {
                            ws = t.get("webSocketDebuggerUrl").asText();
                        }
                    }
                    if (ws == null) Thread.sleep(100);
                }
                assertThat(ws).as("the page's DevTools target").isNotNull();
                Cdp cdp = new Cdp(http, ws);
                waitFor(cdp, "document.readyState === 'complete' && !!document.getElementById('ask')");
                long root = cdp.call("DOM.getDocument", Map.of()).at("/root/nodeId").asLong();
                long input = cdp.call("DOM.querySelector", Map.of("nodeId", root, "selector", "#image")).get("nodeId").asLong();
                cdp.call("DOM.setFileInputFiles", Map.of("nodeId", input, "files", List.of(image.toAbsolutePath().toString())));
                waitFor(cdp, "document.getElementById('preview').style.display === 'block'");
                cdp.eval("window.updates = 0; new MutationObserver(m => window.updates += m.length)"
                        + ".observe(document.getElementById('answer'), {childList: true, characterData: true, subtree: true});"
                        + "document.getElementById('question').value = 'What is in the picture?';"
                        + "document.getElementById('ask').click(); true");
                waitFor(cdp, "document.getElementById('answer').dataset.done === 'true' && document.getElementById('stats').textContent.length > 0");
                assertThat(cdp.eval("document.getElementById('answer').textContent").asText()).isEqualTo(expected);
                assertThat(cdp.eval("window.updates").asInt()).as("answer updates while streaming").isGreaterThan(1);
                assertThat(cdp.eval("document.getElementById('stats').textContent").asText()).contains("τ").contains("speedup");
                cdp.close();
            } finally {
                chrome.descendants().forEach(ProcessHandle::destroy);
                chrome.destroy();
                chrome.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String devToolsPort(Process chrome) throws Exception {
        CompletableFuture<String> port = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(chrome.getInputStream(), StandardCharsets.UTF_8))) {
                Pattern p = Pattern.compile("DevTools listening on ws://[^:]+:(\\d+)/");
                for (String line; (line = r.readLine()) != null; ) {
                    Matcher m = p.matcher(line);
                    if (m.find()) port.complete(m.group(1));
                }
                port.completeExceptionally(new AssertionError("chromium exited without a DevTools port"));
            } catch (Exception e) {
                port.completeExceptionally(e);
            }
        });
        return port.get(30, TimeUnit.SECONDS);
    }

    private static void waitFor(Cdp cdp, String condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (cdp.eval("!!(" + condition + ")").asBoolean()) return;
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for: " + condition);
    }

    /** A minimal DevTools-protocol client: numbered calls over one WebSocket, answers matched by id. */
    private static final class Cdp implements WebSocket.Listener {
        private final WebSocket socket;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final StringBuilder frame = new StringBuilder();

        Cdp(HttpClient http, String url) {
            socket = http.newWebSocketBuilder().buildAsync(URI.create(url), this).join();
        }

        JsonNode call(String method, Map<String, ?> params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> f = new CompletableFuture<>();
            pending.put(id, f);
            ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
            msg.set("params", JSON.valueToTree(params));
            socket.sendText(msg.toString(), true).join();
            JsonNode reply = f.get(30, TimeUnit.SECONDS);
            if (reply.has("error")) throw new AssertionError(method + ": " + reply.get("error"));
            return reply.get("result");
        }

        JsonNode eval(String expression) throws Exception {
            JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
            if (r.has("exceptionDetails")) throw new AssertionError(expression + ": " + r.get("exceptionDetails"));
            return r.at("/result/value");
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            frame.append(data);
            if (last) {
                try {
                    JsonNode n = JSON.readTree(frame.toString());
                    if (n.has("id")) {
                        CompletableFuture<JsonNode> f = pending.remove(n.get("id").asInt());
                        if (f != null) f.complete(n);
                    }
                } catch (Exception e) {
                    // events we do not read
                }
                frame.setLength(0);
            }
            ws.request(1);
            return null;
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }
}
