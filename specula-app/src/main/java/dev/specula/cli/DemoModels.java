package dev.specula.cli;


import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The trained demo world committed under {@code models/demo/}: a LLaVA-style target (language model +
 * mmproj), a language-only draft, and an image-adapter draft (its own language model and a projector from
 * the target's vision features to the draft's width). All of them were trained on {@link #WORLD_SEED}'s
 * train split, so the validation and test splits are held out.
 */
public record DemoModels(Path target, Path mmproj, Path draft, Path adapterDraft, Path adapterMmproj) {

    /** The seed of the procedural world the demo models were trained on. */
    public static final long WORLD_SEED = 1;

    /** Where the launcher's {@code specula.home} keeps them. */
    public static DemoModels locate() {
        Path dir = Path.of(System.getProperty("specula.home", "."), "models", "demo");
        return new DemoModels(dir.resolve("target.gguf"), dir.resolve("target-mmproj.gguf"), dir.resolve("draft.gguf"),
                dir.resolve("adapter.gguf"), dir.resolve("adapter-mmproj.gguf"));
    }

    /** The bundled picture: scene {@link #BUNDLED_SCENE} of the world's held-out test split. */
    public Path picture() {
        return target.resolveSibling("picture.png");
    }

    /** The test-split scene the bundled picture shows. */
    public static final int BUNDLED_SCENE = 3;

    public boolean present() {
        return List.of(target, mmproj, draft, adapterDraft, adapterMmproj, picture()).stream().allMatch(Files::isRegularFile);
    }
}
