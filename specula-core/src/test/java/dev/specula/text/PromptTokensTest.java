package dev.specula.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.specula.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prompts of llama.cpp's recorded runs (own fixtures {@code expected/}) tokenize to the recorded
 * chunks as {@link PromptAssembler} splits them, and the recorded generated tokens print as the recorded
 * pieces. All these models share the stories260K 512-token vocabulary, read here from the project's own
 * tiny LLaVA model so that the test needs no third-party file.
 */
class PromptTokensTest {
    private final Tokenizer tok = TestTokenizers.tinyLlava();

    @Test
    void everyRecordedPromptTokenizesToItsChunks() throws IOException {
        List<Path> runs = recordedRuns();
        assertThat(runs).hasSizeGreaterThan(50);
        for (Path run : runs) {
            JsonNode json = new ObjectMapper().readTree(run.toFile());
            String prompt = json.get("prompt").asText();
            // mtmd_tokenize: split at the marker, tokenize each text part on its own, BOS on the first only;
            // the engine's PromptAssembler does the same
            int images = prompt.split(Pattern.quote(json.get("marker").asText()), -1).length - 1;
            List<int[]> texts = new PromptAssembler(tok).textPieces(prompt, images);
            List<int[]> expected = new ArrayList<>();
            for (JsonNode chunk : json.get("chunks")) {
                if (chunk.get("type").asText().equals("text")) {
                    expected.add(TokenizerConformanceTest.ints(chunk.get("tokens")));
                }
            }
            assertThat(texts).as(run.toString()).hasSize(expected.size());
            for (int i = 0; i < texts.size(); i++) {
                assertThat(texts.get(i)).as(run + " chunk " + i).containsExactly(expected.get(i));
            }
        }
    }

    @Test
    void everyRecordedGeneratedTokenPrintsAsItsPiece() throws IOException {
        int checked = 0;
        for (Path run : recordedRuns()) {
            for (JsonNode step : new ObjectMapper().readTree(run.toFile()).get("steps")) {
                byte[] expected = HexFormat.of().parseHex(step.get("piece_hex").asText());
                assertThat(tok.pieceBytes(step.get("token").asInt())).as(run.toString()).isEqualTo(expected);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    private static List<Path> recordedRuns() throws IOException {
        List<Path> runs = new ArrayList<>();
        for (String dir : new String[] {"expected/tiny-llava", "expected/tiny-draft", "expected/stories260K"}) {
            try (Stream<Path> s = Files.list(Fixtures.own(dir))) {
                s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(runs::add);
            }
        }
        return runs;
    }
}
