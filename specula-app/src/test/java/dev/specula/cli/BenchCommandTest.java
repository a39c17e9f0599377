package dev.specula.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.specula.gguf.GgufFile;
import dev.specula.tensor.GgmlType;
import dev.specula.vision.MmprojShape;
import dev.specula.vision.MmprojSynth;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.specula.cli.CliRun.f;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static Path adapter;

    @TempDir
    Path tmp;

    @BeforeAll
    static void synthesizeAnImageAdapterForTheDraft() throws Exception {
        int width;
        try (GgufFile d = GgufFile.open(CliRun.fixture("tiny-draft-f16.gguf"))) {
            width = d.metadata().getInt("llama.embedding_length");
        }
        adapter = shared.resolve("adapter-mmproj.gguf");
        MmprojSynth.write(adapter, MmprojShape.named("tiny").withProjection(width), GgmlType.F16, 5, null);
    }

    @Test
    void smallBenchWritesTheTableCsvJsonAndChartsWithIdenticalGreedyOutputs() throws Exception {
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("bench", "--target", f("tiny-llava-lm-f16.gguf"), "--mmproj", f("tiny-llava-mmproj-f16.gguf"),
                "--draft", f("tiny-draft-f16.gguf"), "--draft-mmproj", adapter.toString(), "--draft-ngram", "3",
                "--tasks", "caption,qa", "--gamma", "1,2", "--samples", "2", "-n", "12", "-o", out.toString(), "--quiet", "--warm-up", "0");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("8 cells").doesNotContain("WARNING");

        String md = Files.readString(out.resolve("results.md"));
        assertThat(md).contains("| drafter | caption τ | caption MBSU | caption speedup | qa τ | qa MBSU | qa speedup |",
                "| image-adapter |", "| ngram-3 |", "γ = 2").doesNotContain("WARNING");

        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv).hasSize(1 + 8);
        assertThat(csv.getFirst()).startsWith("task,kind,drafter,adaptive,gamma,temperature");

        JsonNode cells = JSON.readTree(out.resolve("results.json").toFile()).get("cells");
        assertThat(cells).hasSize(8);
        for (JsonNode c : cells) {
            assertThat(c.get("identical_fraction").asDouble()).as(c.toString()).isEqualTo(1.0);
            assertThat(c.get("tau").asDouble()).isBetween(1.0, 3.0);
            assertThat(c.get("acceptance_by_position")).hasSize(c.get("gamma").asInt());
            assertThat(c.get("speedup").asDouble()).isPositive();
            assertThat(c.get("predicted_speedup").asDouble()).isPositive();
            assertThat(c.get("target_tokens_per_second").asDouble()).isPositive();
            assertThat(c.get("quality_target").asDouble()).isBetween(0.0, 1.0);
        }
        // MBSU of n-gram drafting (no draft parameters) is τ itself
        for (JsonNode c : cells) {
            if (c.get("drafter").asText().equals("ngram-3")) assertThat(c.get("mbsu").asDouble()).isEqualTo(c.get("tau").asDouble());
        }

        List<Path> pngs;
        try (Stream<Path> s = Files.list(out)) {
            pngs = s.filter(p -> p.toString().endsWith(".png")).toList();
        }
        assertThat(pngs).extracting(p -> p.getFileName().toString())
                .contains("tau-caption-t0.png", "speedup-qa-t0.png", "acceptance-caption-t0.png").hasSize(6);
        for (Path p : pngs) {
            BufferedImage img = ImageIO.read(p.toFile());
            assertThat(img).as(p.toString()).isNotNull();
            assertThat(img.getWidth() * img.getHeight()).isPositive();
        }
    }

    @Test
    void rerunSkipsTheCellsAlreadyDone() throws Exception {
        // a user's task file: text-only chat lines (no "image"), scored against their references
        Path data = tmp.resolve("chat.jsonl");
        Files.writeString(data, """
                {"id":"a","prompt":"USER: Hello there.","reference":"Hello! How can I help?"}
                {"id":"b","prompt":"USER: What is a triangle?","reference":"A shape with three sides."}
                """);
        Path out = tmp.resolve("out");
        String[] common = {"bench", "--target", f("tiny-llava-lm-f16.gguf"), "--draft-ngram", "2",
                "--tasks", "chat=" + data, "--samples", "2", "-n", "8", "-o", out.toString(), "--quiet", "--warm-up", "0"};

        CliRun first = CliRun.of(concat(common, "--gamma", "1"));
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err()).contains("1 cells; 1 to run");
        List<String> afterFirst = Files.readAllLines(out.resolve("cells.jsonl"));
        assertThat(afterFirst).hasSize(1);

        CliRun second = CliRun.of(concat(common, "--gamma", "1,2"));
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.err()).contains("2 cells; 1 to run");
        List<String> afterSecond = Files.readAllLines(out.resolve("cells.jsonl"));
        assertThat(afterSecond).hasSize(2).startsWith(afterFirst.getFirst());

        CliRun third = CliRun.of(concat(common, "--gamma", "1,2"));
        assertThat(third.exitCode()).as(third.err()).isZero();
        assertThat(third.err()).contains("2 cells; 0 to run");
        assertThat(Files.readAllLines(out.resolve("cells.jsonl"))).isEqualTo(afterSecond);
        assertThat(JSON.readTree(out.resolve("results.json").toFile()).get("cells")).hasSize(2);
        assertThat(Files.readString(out.resolve("results.md"))).contains("| chat:chat τ |");
    }

    @Test
    void withoutTheDemoModelsItSaysSoInOneLine() {
        String home = System.getProperty("specula.home");
        System.setProperty("specula.home", tmp.toString());
        try {
            CliRun r = CliRun.of("bench", "--samples", "1", "-o", tmp.resolve("out").toString(), "--quiet");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err().strip()).startsWith("specula: error: the trained demo models are not in").doesNotContain("\n", "Exception");
        } finally {
            if (home == null) System.clearProperty("specula.home");
            else System.setProperty("specula.home", home);
        }
    }

    @Test
    void smallBenchOnTheDemoWorldCompletesWithEveryDrafterAndIdenticalGreedyOutputs() throws Exception {
        assumeTrue(DemoModels.locate().present(), "the trained demo models are not in specula.home/models/demo");
        Path out = tmp.resolve("demo");
        CliRun r = CliRun.of("bench", "--tasks", "caption,qa", "--gamma", "1,2", "--samples", "2", "-n", "32",
                "-o", out.toString(), "--quiet", "--warm-up", "0");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("2 tasks × 6 drafters × 2 γ × 1 temperatures = 24 cells").doesNotContain("WARNING");
        assertThat(Files.readString(out.resolve("results.md"))).contains("| language-only |", "| language-only adaptive |",
                "| image-adapter |", "| image-adapter adaptive |", "| ngram-3 |", "| ngram-3 adaptive |");
        JsonNode cells = JSON.readTree(out.resolve("results.json").toFile()).get("cells");
        assertThat(cells).hasSize(24);
        for (JsonNode c : cells) assertThat(c.get("identical_fraction").asDouble()).as(c.toString()).isEqualTo(1.0);
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.filter(p -> p.toString().endsWith(".png")).count()).isEqualTo(6);
        }
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
