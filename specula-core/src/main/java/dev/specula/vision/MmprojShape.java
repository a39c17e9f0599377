package dev.specula.vision;

import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The dimensions of a CLIP vision tower with a LLaVA-1.5 projector, for {@link MmprojSynth}.
 *
 * @param projection the language model's embedding width that {@code mm.2} projects to
 */
public record MmprojShape(int imageSize, int patchSize, int embedding, int feedForward, int heads, int blocks,
                          int projection) {

    /** Named shapes: the project's tiny fixture and CLIP ViT-L/14-336 as LLaVA-1.5-7B uses it. */
    public static final Map<String, MmprojShape> NAMED = Map.of(
            "tiny", new MmprojShape(112, 14, 128, 512, 4, 3, 256),
            "clip-vit-l-336", new MmprojShape(336, 14, 1024, 4096, 16, 24, 4096));

    public static MmprojShape named(String name) {
        MmprojShape s = NAMED.get(name.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown mmproj shape '" + name + "'; known: " + new TreeSet<>(NAMED.keySet()));
        }
        return s;
    }

    public MmprojShape withProjection(int width) {
        return new MmprojShape(imageSize, patchSize, embedding, feedForward, heads, blocks, width);
    }

    public int patches() {
        return (imageSize / patchSize) * (imageSize / patchSize);
    }

    public void validate() {
        if (imageSize <= 0 || patchSize <= 0 || embedding <= 0 || feedForward <= 0 || heads <= 0 || blocks < 2 || projection <= 0) {
            throw new IllegalArgumentException("every dimension must be positive and blocks at least 2: " + this);
        }
        if (imageSize % patchSize != 0 || embedding % heads != 0) {
            throw new IllegalArgumentException("image size must be a multiple of the patch size and width of the heads: " + this);
        }
    }
}
