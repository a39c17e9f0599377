package dev.specula.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.specula.model.LlamaModel;
import dev.specula.tensor.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DataTrainCommandsTest {

    @TempDir
    Path dir;

    @Test
    void dataWritesOneJsonLineAndOneImagePerExample() throws Exception {
        assertThat(Main.run("data", "--task", "qa", "--n", "5", "-o", dir.toString())).isZero();
        List<String> lines = Files.readAllLines(dir.resolve("data.jsonl"));
        assertThat(lines).hasSize(5);
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            JsonNode o = json.readTree(line);
            assertThat(o.get("choices")).hasSize(3);
            assertThat(o.get("reference").asText()).endsWith("The answer is (" + o.get("answer").asText() + ").");
            assertThat(dir.resolve(o.get("image").asText())).exists();
        }
    }

    @Test
    void trainWritesAGgufTheEngineLoads() throws Exception {
        Path out = dir.resolve("lm.gguf"), png = dir.resolve("loss.png");
        assertThat(Main.run("train", "--steps", "3", "--scenes", "50", "--dim", "16", "--ff", "32",
                "-o", out.toString(), "--loss-png", png.toString())).isZero();
        assertThat(png).exists();
        try (LlamaModel m = LlamaModel.open(out, new Parallel(1), LlamaModel.Options.defaults())) {
            assertThat(m.embeddingLength()).isEqualTo(16);
        }
    }
}
