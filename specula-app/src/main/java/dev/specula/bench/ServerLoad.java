package dev.specula.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Load on a running {@code specula serve}: C clients each send R streaming chat requests back to back, and
 * it reports requests per second and time to first token (the first content chunk). Usage:
 * {@code java -cp specula.jar dev.specula.bench.ServerLoad URL CLIENTS REQUESTS_PER_CLIENT MAX_TOKENS [IMAGE]}.
 */
public final class ServerLoad {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerLoad() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int clients = Integer.parseInt(args[1]);
        int perClient = Integer.parseInt(args[2]);
        int maxTokens = Integer.parseInt(args[3]);
        String image = args.length > 4 ? "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(args[4]))) : null;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<Double> ttft = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < perClient; i++) ttft.add(request(http, url, body("Question " + client + "." + i + ": describe the image.", image, maxTokens)));
                return null;
            }));
        }
        for (Future<?> f : futures) f.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        List<Double> sorted = new ArrayList<>(ttft);
        Collections.sort(sorted);
        System.out.printf(Locale.ROOT, "clients %d, requests %d, %.2f s, %.2f req/s, TTFT p50 %.0f ms, p95 %.0f ms%n", clients,
                sorted.size(), seconds, sorted.size() / seconds, pct(sorted, 0.5), pct(sorted, 0.95));
    }

    private static double pct(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }

    private static String body(String text, String image, int maxTokens) {
        ObjectNode root = JSON.createObjectNode();
        var content = root.putArray("messages").addObject().put("role", "user").putArray("content");
        content.addObject().put("type", "text").put("text", text);
        if (image != null) content.addObject().put("type", "image_url").putObject("image_url").put("url", image);
        root.put("max_tokens", maxTokens);
        root.put("temperature", 0);
        root.put("stream", true);
        return root.toString();
    }

    /** One streaming request, read to {@code [DONE]}; returns the milliseconds to the first content chunk. */
    private static double request(HttpClient http, String url, String body) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode());
        double first = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (first < 0 && line.contains("\"content\":\"") && !line.contains("\"content\":\"\"")) first = (System.nanoTime() - t0) / 1e6;
                if (line.equals("data: [DONE]")) break;
            }
        }
        return first < 0 ? (System.nanoTime() - t0) / 1e6 : first;
    }
}
