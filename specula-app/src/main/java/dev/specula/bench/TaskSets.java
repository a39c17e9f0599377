package dev.specula.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.specula.image.ImageLoader;
import dev.specula.train.Scene;
import dev.specula.train.SceneRenderer;
import dev.specula.train.SceneWorld;
import dev.specula.train.Task;
import dev.specula.vision.RgbImage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Where samples come from: the demo world's held-out validation scenes, or a JSONL file. */
public final class TaskSets {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TaskSets() {}

    /** The first {@code n} validation scenes of the world, rendered at {@code imageSize} (the mmproj's input side). */
    public static BenchTask demo(Task kind, long worldSeed, int n, int imageSize) {
        SceneWorld world = new SceneWorld(worldSeed);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Scene scene = world.scene(SceneWorld.Split.VALIDATION, i);
            Task.Example ex = kind.example(scene);
            samples.add(new Sample("validation-" + i, dev.specula.train.WorldExamples.rgb(SceneRenderer.render(scene, imageSize)), ex.prompt(),
                    ex.reference(), ex.choices(), ex.answer()));
        }
        return new BenchTask(kind.name().toLowerCase(Locale.ROOT), kind, samples);
    }

    /**
     * The first {@code n} lines of a JSONL file as {@code specula data} writes it: {@code {"id", "image",
     * "prompt", "reference", "choices"?, "answer"?}}, with {@code image} relative to the file's folder.
     */
    public static BenchTask jsonl(String name, Task kind, Path file, int n, ImageLoader images) throws IOException {
        List<Sample> samples = new ArrayList<>();
        int line = 0;
        for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            line++;
            if (text.isBlank()) continue;
            if (samples.size() == n) break;
            JsonNode o;
            try {
                o = JSON.readTree(text);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IOException(file + ":" + line + ": not JSON: " + e.getOriginalMessage());
            }
            String prompt = o.path("prompt").asText(null);
            String reference = o.path("reference").asText(null);
            if (prompt == null) throw new IOException(file + ":" + line + ": no \"prompt\"");
            if (reference == null && kind != Task.QA) throw new IOException(file + ":" + line + ": no \"reference\"");
            if (kind == Task.QA && !o.hasNonNull("answer")) throw new IOException(file + ":" + line + ": a QA line needs \"answer\"");
            RgbImage image = o.hasNonNull("image") ? images.load(file.toAbsolutePath().getParent().resolve(o.get("image").asText())) : null;
            List<String> choices = null;
            if (o.has("choices")) {
                choices = new ArrayList<>();
                for (JsonNode c : o.get("choices")) choices.add(c.asText());
            }
            samples.add(new Sample(o.path("id").asText("line-" + line), image, prompt, reference == null ? "" : reference,
                    choices, o.hasNonNull("answer") ? o.get("answer").asText() : null));
        }
        return new BenchTask(name, kind, samples);
    }
}
