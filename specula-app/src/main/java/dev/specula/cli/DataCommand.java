package dev.specula.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.specula.train.Scene;
import dev.specula.train.SceneRenderer;
import dev.specula.train.SceneWorld;
import dev.specula.train.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Writes examples of the procedural demo world: data.jsonl plus one PNG per scene.")
final class DataCommand implements Callable<Integer> {

    @Option(names = "--task", defaultValue = "caption", description = "caption, qa or chat (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--n", defaultValue = "200", description = "Number of examples (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--split", defaultValue = "validation", description = "train, validation or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--seed", defaultValue = "1", description = "World seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", defaultValue = "96", description = "Image side in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = {"-o", "--out"}, required = true, description = "Output directory.")
    Path out;

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true");
        Task t = Task.parse(task);
        SceneWorld.Split sp = SceneWorld.Split.valueOf(split.toUpperCase(Locale.ROOT));
        SceneWorld world = new SceneWorld(seed);
        Files.createDirectories(out.resolve("images"));
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve("data.jsonl"), StandardCharsets.UTF_8)) {
            for (int i = 0; i < n; i++) {
                Scene scene = world.scene(sp, i);
                String id = sp.name().toLowerCase(Locale.ROOT) + "-" + i;
                String image = "images/" + id + ".png";
                ImageIO.write(SceneRenderer.render(scene, size), "png", out.resolve(image).toFile());
                Task.Example ex = t.example(scene);
                ObjectNode o = json.createObjectNode();
                o.put("id", id);
                o.put("image", image);
                o.put("prompt", ex.prompt());
                o.put("reference", ex.reference());
                if (ex.choices() != null) o.putPOJO("choices", ex.choices());
                if (ex.answer() != null) o.put("answer", ex.answer());
                w.write(json.writeValueAsString(o));
                w.newLine();
            }
        }
        System.out.println("wrote " + n + " " + t.name().toLowerCase(Locale.ROOT) + " examples to " + out.resolve("data.jsonl"));
        return 0;
    }
}
