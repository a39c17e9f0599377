package dev.specula.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.specula.Fixtures;
import dev.specula.model.LlamaModel;
import dev.specula.model.Deviations;
import dev.specula.model.TestModels;
import dev.specula.sampling.Sampler;
import dev.specula.tensor.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The whole LLaVA path against every one of llama.cpp's multimodal runs (each LM format, each image, both
 * mmproj files), teacher-forced: text chunk, the image's embeddings as one batch through
 * {@code forwardEmbeddings}, text chunk, then each recorded step's logits compared and llama.cpp's token
 * fed back. The rule is the text runs' ({@code LlamaFidelityTest}): LM formats whose products add in llama.cpp's
 * order give its logits bit for bit, greedy token at any margin; the others keep the greedy token wherever the
 * recorded margin is at least 0.1 and each top-5 logit within what was measured, as a share of the step's largest
 * logit. The native backend's Q4_0 and Q8_0 products add in llama.cpp's order too, so its q4_0 and q8_0 runs are held
 * to the exact rule as well. (The image embeddings themselves are checked, bit for bit, in {@link ClipEncoderFixtureTest}.)
 *
 * <p>That needs the vision tower bit-exact (clip.cpp's flash attention in ggml's tiled kernel, ggml_norm's
 * variance, the GELU tables) and the LM's image batch too: 64 rows run llama.cpp's tiled attention, and the
 * prompt's last layer projects every row before it keeps the last, and RoPE takes the C library's sinf and cosf
 * as ggml does (docs/NUMERICS.md). On f16 x gradient_97x131 and on every diverse-f16 run llama.cpp itself, rerun
 * on this machine from the same embeddings, misses the recorded logits too, so F16 keeps a measured tolerance.
 */
class LlavaFidelityTest {
    /**
     * Each top logit within this share of the step's largest logit, as measured (the same at every vector width):
     * F16 LMs at most 0.070% (diverse-f16), quantized ones outside {@link #LLAMA_ORDER} at most 0.94% (Q4_K);
     * {@link Deviations} prints them.
     */
    private static final float FLOAT_TOLERANCE = 0.0007f, QUANTIZED_TOLERANCE = 0.010f;
    private static final float CLEAR_MARGIN = 0.1f;
    /**
     * LM formats whose products add in llama.cpp's order (as in LlamaFidelityTest) and whose recorded image runs
     * this reproduces (Q5_K and Q6_K within 2e-7 of the largest logit, the others exactly). Q4_K is not among them:
     * on shapes_160x120 and gray_64x64 llama.cpp, rerun here from the same embeddings, gives Specula's logits bit
     * for bit and misses the recorded ones by up to 0.94%.
     */
    private static final Set<String> LLAMA_ORDER = Set.of("q8_0", "q4_0", "q5_0", "q4_1", "q5_1", "q5_k", "q6_k");
    /** LM formats whose native products add in llama.cpp's order too ({@code NativeQ4_0}, {@code NativeQ8_0}), held to the same rule. */
    private static final Set<String> NATIVE_LLAMA_ORDER = Set.of("q4_0", "q8_0");
    private static final float EXACT_TOLERANCE = 1e-6f;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, ImageEmbedding> ENCODED = new HashMap<>();
    private static final Map<String, ClipEncoder> ENCODERS = new HashMap<>();

    /** Every recorded run with an image. */
    static Stream<String> runs() throws IOException {
        try (Stream<Path> files = Files.list(Fixtures.own("expected/tiny-llava"))) {
            return files.map(p -> p.getFileName().toString()).filter(f -> !f.endsWith("__text.json")).sorted().toList().stream();
        }
    }

    /** The runs of the LM formats in {@link #NATIVE_LLAMA_ORDER}, for the native backend. */
    static Stream<String> nativeRuns() throws IOException {
        return runs().filter(n -> NATIVE_LLAMA_ORDER.contains(n.substring(0, n.indexOf("__"))));
    }

    private static final Deviations DEVIATIONS = new Deviations("LlavaFidelityTest");

    @AfterAll
    static void closeEncoders() {
        ENCODERS.values().forEach(ClipEncoder::close);
        DEVIATIONS.print();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void teacherForcedLogitsMatchLlamaCpp(String name) throws IOException {
        check(name, "");
    }

    @ParameterizedTest(name = "native {0}")
    @MethodSource("nativeRuns")
    void nativeBackendMatchesLlamaCppToo(String name) throws IOException {
        Backend previous = Backend.selected();
        Assumptions.assumeTrue(Backend.nativeStatus().startsWith("available"),
                () -> "native backend unavailable here: " + Backend.nativeStatus());
        try {
            Backend.select(Backend.NATIVE);
            check(name, "native ");
        } finally {
            Backend.select(previous);
        }
    }

    /** {@code backend} prefixes the run's models in the printed deviations ("" for the Java kernels). */
    private static void check(String name, String backend) throws IOException {
        JsonNode run = JSON.readTree(Fixtures.own("expected/tiny-llava/" + name).toFile());
        ImageEmbedding image = embedding(run);
        Matcher format = Pattern.compile("-(q\\d_[01k])\\.gguf$").matcher(run.get("model").asText());
        boolean exact = format.find() && (backend.isEmpty() ? LLAMA_ORDER : NATIVE_LLAMA_ORDER).contains(format.group(1));
        float tolerance = exact ? EXACT_TOLERANCE : run.get("model").asText().matches(".*-q\\d.*") ? QUANTIZED_TOLERANCE : FLOAT_TOLERANCE;
        try (LlamaModel model = TestModels.open(Fixtures.own(run.get("model").asText()))) {
            int vocab = model.vocabSize();
            float[] logits = new float[vocab];
            JsonNode chunks = run.get("chunks");
            assertThat(chunks).hasSize(3);
            int[] before = ints(chunks.get(0).get("tokens")), after = ints(chunks.get(2).get("tokens"));
            model.forward(before, before.length, 0, logits);
            ENCODERS.get(run.get("mmproj").asText()).checkLanguageModelWidth(model.embeddingLength());
            model.forwardEmbeddings(image.data(), image.tokens(), 0, logits);
            model.forward(after, after.length, 1, logits);
            assertThat(model.position()).isEqualTo(before.length + 64 + after.length);
            int i = 0;
            for (JsonNode step : run.get("steps")) {
                JsonNode top = step.get("top");
                float scale = 0f;
                for (float l : logits) scale = Math.max(scale, Math.abs(l));
                for (JsonNode entry : top) {
                    int id = entry.get(0).asInt();
                    DEVIATIONS.record(backend + run.get("model").asText() + " + " + run.get("mmproj").asText(), logits[id],
                            (float) entry.get(1).asDouble(), scale);
                    assertThat(logits[id]).as("%s step %d: logit of token %d", name, i, id)
                            .isCloseTo((float) entry.get(1).asDouble(), within(tolerance * scale));
                }
                int token = step.get("token").asInt();
                if (step.get("margin").asDouble() >= (exact ? 0f : CLEAR_MARGIN)) {
                    assertThat(Sampler.argmax(logits, 0, vocab)).as("%s step %d: greedy token (margin %.3f)", name, i,
                            step.get("margin").asDouble()).isEqualTo(token);
                }
                model.forward(new int[]{token}, 1, 1, logits);
                i++;
            }
        }
    }

    /** One encoding per (mmproj, image), reused by every LM that saw it, as a chat keeps an image across turns. */
    private static synchronized ImageEmbedding embedding(JsonNode run) throws IOException {
        String mmproj = run.get("mmproj").asText();
        String key = mmproj + "|" + run.get("image").asText();
        ImageEmbedding e = ENCODED.get(key);
        if (e == null) {
            ClipEncoder encoder = ENCODERS.get(mmproj);
            if (encoder == null) {
                encoder = ClipEncoder.open(Fixtures.own(mmproj), TestModels.POOL);
                ENCODERS.put(mmproj, encoder);
            }
            e = encoder.embed(ClipEncoderFixtureTest.decoded(run));
            ENCODED.put(key, e);
        }
        return e;
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }
}
