package dev.specula.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.specula.Fixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** One of llama.cpp's recorded text-only runs (fixtures README §4): the prompt, then per step the chosen token and its top logits. */
public record ExpectedRun(String name, String model, int[] prompt, List<Step> steps, String textHex) {

    public record Step(int token, String pieceHex, float margin, int[] topIds, float[] topLogits) {}

    public static final String SHARED_MODEL = "stories260K.gguf";

    /** The model file: the project's own fixture, or the shared third-party one (skipping the test when absent). */
    public Path modelPath() {
        return model.equals(SHARED_MODEL) ? Fixtures.shared(model) : Fixtures.own(model);
    }

    public int[] tokens() {
        return steps.stream().mapToInt(Step::token).toArray();
    }

    public static ExpectedRun read(String relative) {
        try {
            JsonNode root = new ObjectMapper().readTree(Fixtures.own(relative).toFile());
            JsonNode chunks = root.get("chunks");
            if (chunks.size() != 1 || !chunks.get(0).get("type").asText().equals("text")) {
                throw new IllegalArgumentException(relative + " is not a text-only run");
            }
            List<Step> steps = new ArrayList<>();
            for (JsonNode s : root.get("steps")) {
                JsonNode top = s.get("top");
                int[] ids = new int[top.size()];
                float[] logits = new float[top.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = top.get(i).get(0).asInt();
                    logits[i] = (float) top.get(i).get(1).asDouble();
                }
                steps.add(new Step(s.get("token").asInt(), s.get("piece_hex").asText(), (float) s.get("margin").asDouble(), ids, logits));
            }
            int[] prompt = new int[chunks.get(0).get("tokens").size()];
            for (int i = 0; i < prompt.length; i++) prompt[i] = chunks.get(0).get("tokens").get(i).asInt();
            return new ExpectedRun(relative, root.get("model").asText(), prompt, List.copyOf(steps), root.get("text_hex").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every text-only run: the tiny LLaVA LMs in all formats, the draft LM and stories260K. */
    public static Stream<String> textRuns() {
        Path dir = Fixtures.own("expected/tiny-llava");
        List<String> runs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith("__text.json")).sorted()
                    .forEach(f -> runs.add("expected/tiny-llava/" + f));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        runs.add("expected/tiny-draft/f16__text.json");
        for (int i = 1; i <= 3; i++) runs.add("expected/stories260K/prompt" + i + ".json");
        return runs.stream();
    }

    @Override
    public String toString() {
        return name;
    }
}
