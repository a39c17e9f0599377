package dev.specula.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.specula.cli.CliRun.f;
import static org.assertj.core.api.Assertions.assertThat;

class CliCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void helpListsTheCommands() {
        CliRun r = CliRun.of("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("generate", "inspect", "tokenize", "synth", "bench-perf", "serve");
    }

    @Test
    void generateJsonHasTheContractKeysAndMatchesLlamaCpp() throws Exception {
        CliRun r = CliRun.of("generate", "-m", f("tiny-llava-lm-f16.gguf"), "-p", "USER: Hello there.\nASSISTANT:",
                "-n", "8", "--temp", "0", "--json", "--top-logits", "3");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        JsonNode expected = JSON.readTree(CliRun.fixture("expected/tiny-llava/f16__text.json").toFile());
        assertThat(j.get("prompt_tokens")).isEqualTo(expected.get("chunks").get(0).get("tokens"));
        for (int i = 0; i < 8; i++) {
            assertThat(j.get("tokens").get(i).asInt()).isEqualTo(expected.get("steps").get(i).get("token").asInt());
        }
        assertThat(j.get("text").asText()).isNotNull();
        assertThat(j.get("stats").has("prompt_tokens_per_second")).isTrue();
        assertThat(j.get("stats").has("decode_tokens_per_second")).isTrue();
        assertThat(j.get("stats").has("ms_per_token")).isTrue();
        assertThat(j.get("top_logits")).hasSize(8);
        assertThat(j.get("top_logits").get(0)).hasSize(3);
    }

    @Test
    void speculativeJsonReportsStatsAndIsLossless() throws Exception {
        CliRun r = CliRun.of("generate", "-m", f("tiny-llava-lm-diverse-f16.gguf"), "--draft", f("tiny-draft-f16.gguf"),
                "-p", "USER: Hello there.\nASSISTANT:", "-n", "24", "--temp", "0", "--draft-max", "3", "--json", "--compare");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode s = JSON.readTree(r.out()).get("stats");
        JsonNode spec = s.get("speculative");
        for (String k : new String[] {"target_calls", "drafted", "accepted", "acceptance_rate", "block_efficiency", "mbsu", "gamma"}) {
            assertThat(spec.has(k)).as(k).isTrue();
        }
        assertThat(s.get("compare").get("identical").asBoolean()).isTrue();
        // one definition for both paths: decode rate and milliseconds per token describe the same time
        assertThat(s.get("decode_tokens_per_second").asDouble() * s.get("ms_per_token").asDouble())
                .isCloseTo(1000.0, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void imageRunReportsImageTokens() throws Exception {
        CliRun r = CliRun.of("generate", "-m", f("tiny-llava-lm-f16.gguf"), "--mmproj", f("tiny-llava-mmproj-f16.gguf"),
                "--image", f("images/shapes_160x120.png"), "-p", "USER: <image>\nDescribe the image.\nASSISTANT:",
                "-n", "4", "--temp", "0", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("image_tokens").asInt()).isEqualTo(64);
        assertThat(j.get("stats").has("image_encode_ms")).isTrue();
        JsonNode expected = JSON.readTree(CliRun.fixture("expected/tiny-llava/f16__shapes_160x120.json").toFile());
        assertThat(j.get("tokens").get(0).asInt()).isEqualTo(expected.get("steps").get(0).get("token").asInt());
    }

    @Test
    void tokenizeJsonGivesIds() throws Exception {
        CliRun r = CliRun.of("tokenize", "-m", f("tiny-llava-lm-f16.gguf"), "-p", "USER: ", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(JSON.readTree(r.out()).get("ids").toString()).isEqualTo("[1,410,471,437,459,461,467,410]");
    }

    @Test
    void inspectPrintsTheTensorTable() {
        CliRun r = CliRun.of("inspect", f("tiny-llava-lm-q4_0.gguf"));
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("general.architecture", "blk.0.attn_q.weight", "Q4_0", "[256, 256]");
    }

    @Test
    void synthWritesALoadableQuantizedModel() throws Exception {
        Path out = tmp.resolve("s.gguf");
        CliRun s = CliRun.of("synth", "--dim", "64", "--layers", "2", "--heads", "4", "--kv-heads", "2", "--ffn", "128",
                "--type", "Q8_0", "-o", out.toString(), "--quiet");
        assertThat(s.exitCode()).as(s.err()).isZero();
        CliRun g = CliRun.of("generate", "-m", out.toString(), "-p", "the dog", "-n", "3", "--temp", "0", "--json");
        assertThat(g.exitCode()).as(g.err()).isZero();
        assertThat(JSON.readTree(g.out()).get("tokens")).hasSize(3);
    }

    @Test
    void synthWritesAnMmprojThatPairsWithTheTinyModel() throws Exception {
        Path mm = tmp.resolve("mm.gguf");
        CliRun s = CliRun.of("synth", "--mmproj", "--like", "tiny", "-o", mm.toString(), "--quiet");
        assertThat(s.exitCode()).as(s.err()).isZero();
        CliRun g = CliRun.of("generate", "-m", f("tiny-llava-lm-f16.gguf"), "--mmproj", mm.toString(),
                "--image", f("images/gray_64x64.png"), "-p", "<image>hello", "-n", "2", "--temp", "0", "--json");
        assertThat(g.exitCode()).as(g.err()).isZero();
        assertThat(JSON.readTree(g.out()).get("image_tokens").asInt()).isEqualTo(64);
    }

    @Test
    void adaptiveGammaWithMeasuredCostsStaysLossless() throws Exception {
        CliRun r = CliRun.of("generate", "-m", f("tiny-llava-lm-f16.gguf"), "--draft-ngram", "3",
                "-p", "USER: Hello there.\nASSISTANT:", "-n", "24", "--temp", "0", "--draft-max", "4", "--draft-adaptive",
                "--json", "--compare");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode s = JSON.readTree(r.out()).get("stats");
        assertThat(s.get("compare").get("identical").asBoolean()).isTrue();
        assertThat(s.get("speculative").get("gamma_max").asInt()).isEqualTo(4);
    }
}
