package dev.specula.cli;

import dev.specula.engine.Message;
import dev.specula.engine.Request;
import dev.specula.sampling.SamplerConfig;
import dev.specula.text.PromptAssembler;
import dev.specula.vision.RgbImage;

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

    public boolean present() {
        return List.of(target, mmproj, draft, adapterDraft, adapterMmproj).stream().allMatch(Files::isRegularFile);
    }

    /**
     * The prompt the demo models were trained on: raw (no chat template), the image first, then the
     * question and a newline; the answer follows and ends with the end-of-sequence token.
     */
    public static String promptText(String question) {
        return PromptAssembler.MARKER + question + "\n";
    }

    /** A greedy (or sampled) raw request about one picture, as the demo models were trained to answer. */
    public static Request request(String question, RgbImage picture, SamplerConfig sampling, int maxTokens) {
        Message m = new Message(Message.Role.USER, List.of(new Message.Image(picture), new Message.Text(promptText(question))));
        return new Request(List.of(m), false, sampling, maxTokens, List.of(), 4, false, true, 0, null);
    }
}
