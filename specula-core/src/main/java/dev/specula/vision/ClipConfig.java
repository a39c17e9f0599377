package dev.specula.vision;

import dev.specula.gguf.GgufMetadata;

import java.util.Arrays;

/**
 * The hyper-parameters of a CLIP vision tower with a LLaVA-1.5 "mlp" projector, read once from an mmproj
 * GGUF's metadata ({@code clip.*} keys, as llama.cpp's mtmd reads them).
 *
 * @param featureLayers {@code clip.vision.feature_layer}: hidden states to take (0 = the input of the
 *                      first block, k = the output of block k-1), concatenated; empty means the LLaVA
 *                      default, the output of the second-to-last block
 */
public record ClipConfig(int imageSize, int patchSize, int embedding, int feedForward, int heads, int blocks,
                         int projectionDim, float layerNormEps, Activation activation, int[] featureLayers,
                         float[] imageMean, float[] imageStd) {

    /** The FFN activation: {@code clip.use_gelu} / {@code clip.use_silu}, else quick-GELU. */
    public enum Activation { QUICK_GELU, GELU, SILU }

    public ClipConfig {
        if (imageSize <= 0 || patchSize <= 0 || imageSize % patchSize != 0) {
            throw new VisionFormatException("image_size " + imageSize + " is not a positive multiple of patch_size " + patchSize);
        }
        if (embedding <= 0 || heads <= 0 || embedding % heads != 0 || feedForward <= 0 || blocks <= 0) {
            throw new VisionFormatException("bad vision tower shape: embedding " + embedding + ", heads " + heads
                    + ", feed_forward " + feedForward + ", blocks " + blocks);
        }
        for (int l : featureLayers) {
            if (l < 0 || l > blocks) {
                throw new VisionFormatException("feature layer " + l + " is outside 0.." + blocks);
            }
        }
        if (imageMean.length != 3 || imageStd.length != 3) {
            throw new VisionFormatException("image_mean and image_std must have 3 values");
        }
    }

    /** Reads and checks the metadata of an mmproj file; {@code source} names the file in errors. */
    public static ClipConfig from(GgufMetadata md, String source) {
        String arch = md.getString("general.architecture", "");
        if (!arch.equals("clip")) {
            throw new VisionFormatException(source + " is not an mmproj file: general.architecture is '" + arch + "', expected 'clip'");
        }
        if (!md.getBool("clip.has_vision_encoder", true)) {
            throw new VisionFormatException(source + " has no vision encoder (clip.has_vision_encoder = false)");
        }
        String type = md.getString("clip.projector_type", md.getString("clip.vision.projector_type", ""));
        requireMlp(type, source);
        if (md.has("clip.vision.image_grid_pinpoints")) {
            throw new VisionFormatException(source + " has image_grid_pinpoints (LLaVA-1.6 tiling), which Specula does not support;"
                    + " use a LLaVA-1.5 mmproj");
        }
        boolean gelu = md.getBool("clip.use_gelu", false);
        boolean silu = md.getBool("clip.use_silu", false);
        if (gelu && silu) {
            throw new VisionFormatException(source + " sets both clip.use_gelu and clip.use_silu");
        }
        try {
            return new ClipConfig(
                    md.getInt("clip.vision.image_size"),
                    md.getInt("clip.vision.patch_size"),
                    md.getInt("clip.vision.embedding_length"),
                    md.getInt("clip.vision.feed_forward_length"),
                    md.getInt("clip.vision.attention.head_count"),
                    md.getInt("clip.vision.block_count"),
                    md.getInt("clip.vision.projection_dim", 0),
                    md.getFloat("clip.vision.attention.layer_norm_epsilon"),
                    gelu ? Activation.GELU : silu ? Activation.SILU : Activation.QUICK_GELU,
                    md.has("clip.vision.feature_layer")
                            ? Arrays.stream(md.getIntArray("clip.vision.feature_layer")).distinct().sorted().toArray()
                            : new int[0],
                    md.getFloatArray("clip.vision.image_mean"),
                    md.getFloatArray("clip.vision.image_std"));
        } catch (VisionFormatException e) {
            throw new VisionFormatException(source + ": " + e.getMessage());
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new VisionFormatException(source + ": " + e.getMessage());
        }
    }

    /** Only LLaVA-1.5's two-layer MLP projector is implemented; every other type is named in the refusal. */
    static void requireMlp(String type, String source) {
        if (!type.equals("mlp")) {
            String shown = type.isEmpty() ? "none (clip.projector_type is missing)" : "'" + type + "'";
            throw new VisionFormatException(source + ": projector type " + shown
                    + " is not supported; Specula runs LLaVA-1.5 mmproj files with projector type 'mlp'");
        }
    }

    public int patchesPerSide() {
        return imageSize / patchSize;
    }

    /** Image tokens per image: one per patch. */
    public int patches() {
        return patchesPerSide() * patchesPerSide();
    }

    public int headSize() {
        return embedding / heads;
    }

    /** Blocks that run: up to the deepest feature layer, or all but the last (LLaVA's "second-to-last layer"). */
    public int blocksToRun() {
        return featureLayers.length == 0 ? blocks - 1 : Arrays.stream(featureLayers).max().getAsInt();
    }

    /** Width of the features handed to the projector: the tower width times the number of feature layers. */
    public int featureWidth() {
        return embedding * Math.max(1, featureLayers.length);
    }
}
