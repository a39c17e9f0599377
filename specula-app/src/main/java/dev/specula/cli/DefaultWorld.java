package dev.specula.cli;

import java.nio.file.Path;

/**
 * The embedded default world for {@code generate --demo} and {@code serve}: the trained demo models
 * ({@link DemoModels}), with the image-adapter draft, and the bundled picture. The models are trained
 * on raw prompts (no chat template), so the demo asks in that format.
 */
final class DefaultWorld {

    private DefaultWorld() {}

    /** Where caches of measurements (r(k) curves, synthesized bench models) live. */
    static Path folder() {
        String home = System.getProperty("specula.home", ".");
        return Path.of(home, ".specula-cache", "default");
    }

    /** The committed demo models, or a clear error where a partial checkout lacks them. */
    static DemoModels models() {
        DemoModels models = DemoModels.locate();
        if (!models.present()) {
            throw new IllegalArgumentException("the demo models are missing from " + models.target().getParent()
                    + " (they are committed with the project; a partial checkout lacks them)");
        }
        return models;
    }

    static void apply(GenerateCommand g) {
        DemoModels models = models();
        if (g.model == null) {
            g.model = models.target();
            g.models.defaultTo(models);
            if (g.images.isEmpty()) g.images.add(models.picture());
            g.chat = false;
            if (g.prompt == null) g.prompt = dev.specula.train.WorldExamples.promptText("Describe the image.");
        }
        if (g.prompt == null) g.prompt = "Describe the image.";
        // The demo shows the lossless check: greedy, and the same run without the draft beside it.
        if (!g.given("--temp")) g.temp = 0;
        g.compare = true;
    }
}
