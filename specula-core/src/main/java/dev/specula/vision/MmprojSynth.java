package dev.specula.vision;

import dev.specula.gguf.GgufValue;
import dev.specula.gguf.GgufWriter;
import dev.specula.gguf.GgufWriter.TensorSpec;
import dev.specula.tensor.GgmlType;
import dev.specula.tensor.TensorFormat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;

/**
 * Writes a random-weight LLaVA-1.5 mmproj GGUF (CLIP vision tower + "mlp" projector) in llama.cpp's
 * layout, streaming chunk by chunk so a ViT-L-sized file never sits in memory. Linear weights are
 * N(0, 0.02) in the chosen type; the patch and position embeddings stay F16 (F32 when the type is F32)
 * and vectors F32, as llama.cpp's converter stores them. LayerNorm weights are 1 and their biases 0.
 */
public final class MmprojSynth {
    private static final int CHUNK = 1 << 20;
    private static final float STD = 0.02f;
    private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private MmprojSynth() {}

    public static void write(Path path, MmprojShape shape, GgmlType type, long seed, DoubleConsumer progress) throws IOException {
        write(path, shape, type, seed, true, STD, progress);
    }

    /**
     * As above; without a class embedding every patch reaches the projector (with one, llama.cpp's
     * LLaVA path hands over the class row and all patches but the first). {@code positionStd} scales the
     * position embeddings: a frozen random tower keeps a patch's brightness through its pre-LayerNorm only
     * when the position row added to the patch is of comparable size (LayerNorm removes a lone row's scale).
     */
    public static void write(Path path, MmprojShape shape, GgmlType type, long seed, boolean classEmbedding,
                             float positionStd, DoubleConsumer progress) throws IOException {
        shape.validate();
        if (shape.embedding() % type.blockSize() != 0 || shape.feedForward() % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " needs row lengths that are multiples of " + type.blockSize()
                    + "; embedding " + shape.embedding() + " and feed-forward " + shape.feedForward() + " are not");
        }
        TensorFormat.of(type); // fails early, naming the type, when Specula cannot write it
        GgmlType embeddingType = type == GgmlType.F32 ? GgmlType.F32 : GgmlType.F16;
        int d = shape.embedding(), ff = shape.feedForward(), p = shape.patchSize();

        List<TensorSpec> specs = new ArrayList<>();
        specs.add(new TensorSpec("mm.0.weight", type, d, shape.projection()));
        specs.add(new TensorSpec("mm.0.bias", GgmlType.F32, shape.projection()));
        specs.add(new TensorSpec("mm.2.weight", type, shape.projection(), shape.projection()));
        specs.add(new TensorSpec("mm.2.bias", GgmlType.F32, shape.projection()));
        if (classEmbedding) specs.add(new TensorSpec("v.class_embd", GgmlType.F32, d));
        specs.add(new TensorSpec("v.patch_embd.weight", embeddingType, p, p, 3, d));
        specs.add(new TensorSpec("v.position_embd.weight", embeddingType, d, shape.patches() + (classEmbedding ? 1 : 0)));
        specs.add(new TensorSpec("v.pre_ln.weight", GgmlType.F32, d));
        specs.add(new TensorSpec("v.pre_ln.bias", GgmlType.F32, d));
        for (int i = 0; i < shape.blocks(); i++) {
            String b = "v.blk." + i + ".";
            for (String m : List.of("attn_q", "attn_k", "attn_v", "attn_out")) {
                specs.add(new TensorSpec(b + m + ".weight", type, d, d));
                specs.add(new TensorSpec(b + m + ".bias", GgmlType.F32, d));
            }
            specs.add(new TensorSpec(b + "ln1.weight", GgmlType.F32, d));
            specs.add(new TensorSpec(b + "ln1.bias", GgmlType.F32, d));
            specs.add(new TensorSpec(b + "ffn_up.weight", type, d, ff));
            specs.add(new TensorSpec(b + "ffn_up.bias", GgmlType.F32, ff));
            specs.add(new TensorSpec(b + "ffn_down.weight", type, ff, d));
            specs.add(new TensorSpec(b + "ffn_down.bias", GgmlType.F32, d));
            specs.add(new TensorSpec(b + "ln2.weight", GgmlType.F32, d));
            specs.add(new TensorSpec(b + "ln2.bias", GgmlType.F32, d));
        }

        long total = specs.stream().mapToLong(TensorSpec::byteSize).sum();
        long done = 0;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] values = new float[CHUNK];
        byte[] encoded = new byte[(int) GgmlType.F32.byteSize(CHUNK)];
        MemorySegment encodedSeg = MemorySegment.ofArray(encoded);
        try (GgufWriter w = new GgufWriter(path, metadata(shape, type), specs)) {
            for (TensorSpec spec : specs) {
                long elements = Arrays.stream(spec.shape()).reduce(1, Math::multiplyExact);
                TensorFormat f = TensorFormat.of(spec.type());
                for (long at = 0; at < elements; at += CHUNK) {
                    int n = (int) Math.min(CHUNK, elements - at);
                    fill(spec.name(), values, n, rnd, positionStd);
                    f.quantize(values, 0, n, encodedSeg, 0);
                    int bytes = (int) spec.type().byteSize(n);
                    w.write(encoded, 0, bytes);
                    done += bytes;
                    if (progress != null) progress.accept((double) done / total);
                }
            }
        }
    }

    private static void fill(String name, float[] values, int n, SplittableRandom rnd, float positionStd) {
        boolean norm = name.contains("ln1.") || name.contains("ln2.") || name.contains("pre_ln.");
        if (norm) {
            Arrays.fill(values, 0, n, name.endsWith(".weight") ? 1f : 0f);
            return;
        }
        float std = name.equals("v.position_embd.weight") ? positionStd : STD;
        for (int i = 0; i < n; i++) values[i] = (float) rnd.nextGaussian() * std;
    }

    private static Map<String, GgufValue> metadata(MmprojShape s, GgmlType type) {
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("general.architecture", GgufValue.of("clip"));
        md.put("general.name", GgufValue.of("specula-synth-mmproj"));
        md.put("general.file_type", GgufValue.ofUint32(type.fileType()));
        md.put("clip.has_text_encoder", GgufValue.ofBool(false));
        md.put("clip.has_vision_encoder", GgufValue.ofBool(true));
        md.put("clip.has_llava_projector", GgufValue.ofBool(true));
        md.put("clip.projector_type", GgufValue.of("mlp"));
        md.put("clip.use_gelu", GgufValue.ofBool(false));
        md.put("clip.vision.image_size", GgufValue.ofUint32(s.imageSize()));
        md.put("clip.vision.patch_size", GgufValue.ofUint32(s.patchSize()));
        md.put("clip.vision.embedding_length", GgufValue.ofUint32(s.embedding()));
        md.put("clip.vision.feed_forward_length", GgufValue.ofUint32(s.feedForward()));
        md.put("clip.vision.projection_dim", GgufValue.ofUint32(s.projection()));
        md.put("clip.vision.attention.head_count", GgufValue.ofUint32(s.heads()));
        md.put("clip.vision.attention.layer_norm_epsilon", GgufValue.ofFloat32(1e-5f));
        md.put("clip.vision.block_count", GgufValue.ofUint32(s.blocks()));
        md.put("clip.vision.image_mean", GgufValue.ofArray(CLIP_MEAN.clone()));
        md.put("clip.vision.image_std", GgufValue.ofArray(CLIP_STD.clone()));
        return md;
    }

}
