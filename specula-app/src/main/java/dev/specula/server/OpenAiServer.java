package dev.specula.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.specula.engine.Engine;
import dev.specula.engine.EngineBusyException;
import dev.specula.engine.FinishReason;
import dev.specula.engine.Listener;
import dev.specula.engine.Message;
import dev.specula.engine.Request;
import dev.specula.engine.Result;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An OpenAI-compatible HTTP server over one {@link Engine}, on the JDK's own HTTP server
 * ({@code jdk.httpserver}, maintained with the JDK) with a virtual thread per exchange. Requests beyond
 * the running sessions wait in a bounded queue; past it they get 429. Every refusal is a 4xx with
 * OpenAI's error body; an unexpected failure is a 500 with a one-line message, never a stack trace.
 */
public final class OpenAiServer implements AutoCloseable {
    private final Engine engine;
    private final ServerConfig config;
    private final OpenAiRequests parser;
    private final Metrics metrics = new Metrics();
    /** Permits for running plus waiting requests. */
    private final Semaphore admission;
    private final HttpServer http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final byte[] page;
    private volatile double baselineMsPerToken;

    private OpenAiServer(Engine engine, ServerConfig config) throws IOException {
        this.engine = engine;
        this.config = config;
        this.parser = new OpenAiRequests(config);
        this.admission = new Semaphore(engine.sessionCount() + config.queueLength());
        try (InputStream in = OpenAiServer.class.getResourceAsStream("index.html")) {
            this.page = in == null ? "<p>page missing</p>".getBytes(StandardCharsets.UTF_8) : in.readAllBytes();
        }
        this.http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
        http.setExecutor(executor);
        http.createContext("/", this::handle);
    }

    /** Starts listening; port 0 picks a free port (see {@link #port()}). */
    public static OpenAiServer start(Engine engine, ServerConfig config) throws IOException {
        OpenAiServer s = new OpenAiServer(engine, config);
        s.http.start();
        return s;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /**
     * Measures target-only decoding once, so that each answer can report its speedup over it (the page shows
     * it). The figure is this machine's, at the moment of the measurement.
     */
    public void measureBaseline() throws InterruptedException {
        Request r = Request.chat(List.of(Message.user("Hello.")), 24).withUseDraft(false);
        engine.generate(r, Listener.NONE);
        baselineMsPerToken = engine.generate(r, Listener.NONE).timings().millisPerToken();
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            try {
                switch (path) {
                    case "/v1/chat/completions" -> generate(ex, true);
                    case "/v1/completions" -> generate(ex, false);
                    case "/v1/models" -> {
                        get(method);
                        ObjectNode root = OpenAiResponses.MAPPER.createObjectNode();
                        root.put("object", "list");
                        ObjectNode m = root.putArray("data").addObject();
                        m.put("id", config.modelName());
                        m.put("object", "model");
                        m.put("created", 0);
                        m.put("owned_by", "specula");
                        json(ex, 200, root);
                    }
                    case "/health" -> {
                        get(method);
                        ObjectNode root = OpenAiResponses.MAPPER.createObjectNode();
                        root.put("status", "ok");
                        root.put("model", config.modelName());
                        root.put("sessions", engine.sessionCount());
                        root.put("sessions_free", engine.freeSessions());
                        root.put("queue_length", metrics.waiting.get());
                        root.put("speculative", engine.hasDrafter());
                        root.put("vision", engine.hasVision());
                        json(ex, 200, root);
                    }
                    case "/metrics" -> {
                        get(method);
                        send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.render(engine).getBytes(StandardCharsets.UTF_8));
                    }
                    case "/", "/index.html" -> {
                        get(method);
                        send(ex, 200, "text/html; charset=utf-8", page);
                    }
                    default -> throw new ApiException(404, "invalid_request_error", "not_found", null, "no such endpoint: " + path);
                }
            } catch (ApiException e) {
                metrics.errors.increment();
                error(ex, e.status, e.type, e.code, e.param, e.getMessage());
            } catch (IllegalArgumentException e) {
                // the engine's refusals: too long for the context, images without a vision tower, ...
                metrics.errors.increment();
                error(ex, 400, "invalid_request_error", null, null, e.getMessage());
            } catch (EngineBusyException e) {
                metrics.errors.increment();
                error(ex, 429, "rate_limit_exceeded", "queue_full", null, e.getMessage());
            } catch (UncheckedIOException e) {
                // the client went away; nothing can be told to it
            } catch (RuntimeException | Error e) {
                metrics.errors.increment();
                error(ex, 500, "server_error", null, null, "internal error: " + e.getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void get(String method) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new ApiException(405, "invalid_request_error", "method_not_allowed", null, "use GET");
        }
    }

    private void generate(HttpExchange ex, boolean chat) throws InterruptedException {
        if (!ex.getRequestMethod().equals("POST")) throw new ApiException(405, "invalid_request_error", "method_not_allowed", null, "use POST");
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).trim().startsWith("application/json")) {
            throw new ApiException(415, "invalid_request_error", "unsupported_media_type", null,
                    "the body must be JSON with Content-Type: application/json");
        }
        metrics.requests.increment();
        JsonNode body = parse(readBody(ex));
        if (!body.isObject()) throw ApiException.invalid(null, "the body must be a JSON object");
        OpenAiRequests.Parsed p = chat ? parser.chat(body) : parser.completion(body);
        if (!admission.tryAcquire()) {
            metrics.rejected.increment();
            throw new ApiException(429, "rate_limit_exceeded", "queue_full", null,
                    "the server is busy: " + engine.sessionCount() + " running and " + config.queueLength() + " waiting");
        }
        try {
            String id = (chat ? "chatcmpl-" : "cmpl-") + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            long created = System.currentTimeMillis() / 1000;
            if (p.stream()) stream(ex, chat, p, id, created);
            else answer(ex, chat, p, id, created);
        } finally {
            admission.release();
        }
    }

    private Result run(Request r, Listener listener) throws InterruptedException {
        metrics.waiting.incrementAndGet();
        boolean[] started = {false};
        try {
            return engine.generate(r, piece -> {
                if (!started[0]) {
                    started[0] = true;
                    metrics.waiting.decrementAndGet();
                }
                return listener.onText(piece);
            });
        } finally {
            if (!started[0]) metrics.waiting.decrementAndGet();
        }
    }

    private void answer(HttpExchange ex, boolean chat, OpenAiRequests.Parsed p, String id, long created) throws InterruptedException {
        Result r = run(p.request(), Listener.NONE);
        metrics.record(r);
        ObjectNode root = chat ? OpenAiResponses.chat(id, created, config.modelName(), r)
                : OpenAiResponses.completion(id, created, config.modelName(), r);
        addSpeedup(root, r);
        json(ex, 200, root);
    }

    /**
     * Server-sent events as OpenAI sends them: a first delta with the role, content deltas, a last chunk with
     * finish_reason (and here usage and speculative), then {@code data: [DONE]}. Headers go out with the
     * first piece, so a request the engine refuses still gets a 4xx. A write that fails (the client left)
     * stops the generation at that token, within the current round.
     */
    private void stream(HttpExchange ex, boolean chat, OpenAiRequests.Parsed p, String id, long created) throws InterruptedException {
        Sse sse = new Sse(ex);
        String model = config.modelName();
        Result r = run(p.request(), piece -> {
            try {
                if (!sse.started && chat) sse.event(OpenAiResponses.chatChunk(id, created, model, "assistant", "", null));
                sse.event(chat ? OpenAiResponses.chatChunk(id, created, model, null, piece, null)
                        : OpenAiResponses.completionChunk(id, created, model, piece, null));
                return true;
            } catch (IOException e) {
                sse.broken = true;
                return false;
            }
        });
        if (sse.broken || r.finish() == FinishReason.CANCELLED) {
            metrics.cancelled.increment();
            metrics.record(r);
            return;
        }
        metrics.record(r);
        try {
            if (!sse.started && chat) sse.event(OpenAiResponses.chatChunk(id, created, model, "assistant", "", null));
            ObjectNode last = chat ? OpenAiResponses.chatChunk(id, created, model, null, null, r)
                    : OpenAiResponses.completionChunk(id, created, model, "", r);
            addSpeedup(last, r);
            sse.event(last);
            sse.data("[DONE]");
        } catch (IOException e) {
            // the client left after the answer was complete: nothing was cut short
        }
    }

    private void addSpeedup(ObjectNode root, Result r) {
        double base = baselineMsPerToken;
        ObjectNode t = (ObjectNode) root.get("timings");
        if (base > 0 && r.timings().millisPerToken() > 0) {
            t.put("target_only_ms_per_token", base);
            t.put("speedup", base / r.timings().millisPerToken());
        }
    }

    /** The event stream of one exchange; headers are sent with the first event. */
    private static final class Sse {
        final HttpExchange ex;
        OutputStream out;
        boolean started;
        boolean broken;

        Sse(HttpExchange ex) {
            this.ex = ex;
        }

        void event(ObjectNode chunk) throws IOException {
            data(OpenAiResponses.MAPPER.writeValueAsString(chunk));
        }

        void data(String payload) throws IOException {
            if (!started) {
                ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                ex.getResponseHeaders().set("Cache-Control", "no-cache");
                ex.sendResponseHeaders(200, 0);
                out = ex.getResponseBody();
                started = true;
            }
            out.write(("data: " + payload + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /** The most of an oversized body read and discarded before the 413 (see readBody). */
    private static final long DRAIN_BYTES = 16L << 20;

    private byte[] readBody(HttpExchange ex) {
        String len = ex.getRequestHeaders().getFirst("Content-Length");
        long declared;
        try {
            declared = len == null ? -1 : Long.parseLong(len.trim());
        } catch (NumberFormatException e) {
            throw ApiException.invalid(null, "bad Content-Length");
        }
        try (InputStream in = ex.getRequestBody()) {
            if (declared > config.maxBodyBytes()) {
                // A client still sending when the 413 goes out reads a reset instead of the answer: discard
                // a moderately oversized body first (bounded, so a huge one costs at most DRAIN_BYTES).
                if (declared <= DRAIN_BYTES) in.transferTo(OutputStream.nullOutputStream());
                throw tooLarge();
            }
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, config.maxBodyBytes() + 1));
            if (b.length > config.maxBodyBytes()) throw tooLarge();
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ApiException tooLarge() {
        return new ApiException(413, "invalid_request_error", "request_too_large", null,
                "the request body is larger than this server's limit of " + config.maxBodyBytes() + " bytes");
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode n = OpenAiResponses.MAPPER.readTree(body);
            if (n == null || n.isMissingNode()) throw ApiException.invalid(null, "the body is empty");
            return n;
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(null, "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.invalid(null, "the body cannot be read");
        }
    }

    private static void json(HttpExchange ex, int status, ObjectNode root) {
        try {
            send(ex, status, "application/json", OpenAiResponses.MAPPER.writeValueAsBytes(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void error(HttpExchange ex, int status, String type, String code, String param, String message) {
        try {
            json(ex, status, OpenAiResponses.error(status, type, code, param, message));
        } catch (UncheckedIOException | IllegalStateException ignored) {
            // headers already sent or the client left: nothing more can be said
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) {
        try {
            ex.getResponseHeaders().set("Content-Type", type);
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
            if (!head) ex.getResponseBody().write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
