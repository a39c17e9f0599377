package dev.specula.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.specula.Fixtures;
import dev.specula.tensor.GgmlType;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.TensorFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * The projected image embeddings against llama.cpp's {@code embd_stats} for every image run, exactly: the first
 * eight values of the first and last image tokens bit for bit, the sum and L2 norm of all of them to the nine digits
 * recorded. The core has no image decoder, so it starts from the exact bytes llama.cpp decoded
 * ({@code expected/decoded_rgb}).
 */
class ClipEncoderFixtureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Parallel pool;

    @BeforeAll
    static void startPool() {
        pool = new Parallel(2);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    @TestFactory
    Stream<DynamicTest> embeddingStatisticsMatchLlamaCpp() throws IOException {
        // Every LM variant records the same embeddings for one (mmproj, image) pair: check each pair once,
        // against every run that recorded it.
        Map<String, List<Path>> runsByPair = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(Fixtures.own("expected/tiny-llava"))) {
            for (Path p : files.sorted().toList()) {
                JsonNode run = JSON.readTree(p.toFile());
                if (run.get("image").isNull()) continue;
                runsByPair.computeIfAbsent(run.get("mmproj").asText() + "|" + run.get("image").asText(), k -> new ArrayList<>()).add(p);
            }
        }
        assertThat(runsByPair).hasSize(8);
        return runsByPair.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> checkPair(e.getKey(), e.getValue())));
    }

    private void checkPair(String pair, List<Path> runs) throws IOException {
        String mmproj = pair.substring(0, pair.indexOf('|'));
        if (mmproj.contains("q8_0")) {
            try {
                TensorFormat.of(GgmlType.Q8_0);
            } catch (IllegalArgumentException e) {
                Assumptions.abort("skipped: Q8_0 tensors are not supported yet (" + e.getMessage() + ")");
            }
        }
        ImageEmbedding embedding;
        try (ClipEncoder encoder = ClipEncoder.open(Fixtures.own(mmproj), pool)) {
            embedding = encoder.embed(decoded(JSON.readTree(runs.getFirst().toFile())));
        }
        for (Path run : runs) {
            JsonNode stats = imageChunk(JSON.readTree(run.toFile())).get("embd_stats");
            assertThat(embedding.tokens()).as(run.toString()).isEqualTo(64);
            assertThat(embedding.width()).as(run.toString()).isEqualTo(stats.get("n_embd").asInt());
            float[] data = embedding.data();
            double sum = 0, sq = 0;
            for (float v : data) {
                sum += v;
                sq += (double) v * v;
            }
            double l2 = Math.sqrt(sq);
            double[] first = doubles(stats.get("first8_of_first_token"));
            double[] last = doubles(stats.get("first8_of_last_token"));
            // printed with %.9g, so the floats themselves: the tower computes llama.cpp's embeddings bit for bit
            for (int i = 0; i < 8; i++) {
                assertThat(data[i]).as("%s first token [%d]", run, i).isEqualTo((float) first[i]);
                assertThat(data[(embedding.tokens() - 1) * embedding.width() + i]).as("%s last token [%d]", run, i)
                        .isEqualTo((float) last[i]);
            }
            // 9 significant digits of double sums over all 16384 values
            assertThat(sum).as("%s sum", run).isCloseTo(stats.get("sum").asDouble(), offset(1e-8 * Math.abs(sum)));
            assertThat(l2).as("%s l2", run).isCloseTo(stats.get("l2").asDouble(), offset(1e-8 * l2));
        }
    }

    private static JsonNode imageChunk(JsonNode run) {
        for (JsonNode c : run.get("chunks")) {
            if (c.get("type").asText().equals("image")) return c;
        }
        throw new AssertionError("no image chunk");
    }

    /** The RGB bytes llama.cpp decoded for the run's image, sized by its bitmap record. */
    static RgbImage decoded(JsonNode run) throws IOException {
        String image = run.get("image").asText();
        JsonNode bitmap = imageChunk(run).get("bitmap");
        String name = image.substring(0, image.lastIndexOf('.')) + ".rgb";
        byte[] rgb = Files.readAllBytes(Fixtures.own("expected/decoded_rgb/" + name));
        return new RgbImage(bitmap.get("nx").asInt(), bitmap.get("ny").asInt(), rgb);
    }

    private static double[] doubles(JsonNode a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) d[i] = a.get(i).asDouble();
        return d;
    }
}
