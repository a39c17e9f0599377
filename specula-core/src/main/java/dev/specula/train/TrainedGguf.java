package dev.specula.train;

import dev.specula.gguf.GgufFile;
import dev.specula.gguf.GgufValue;
import dev.specula.gguf.GgufWriter;
import dev.specula.gguf.GgufWriter.TensorSpec;
import dev.specula.gguf.TensorInfo;
import dev.specula.tensor.GgmlType;
import dev.specula.tensor.TensorFormat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes trained weights in llama.cpp's conventions: the language model as a {@code llama} GGUF, the
 * vision tower with its projector as an mmproj {@code clip} GGUF, and a draft's image adapter as a
 * projector-only {@code clip} file. Matrices take the chosen type; norms, biases stay F32 as llama.cpp's
 * converter and quantizer leave them.
 */
public final class TrainedGguf {

    private TrainedGguf() {}

    public static void writeLlama(Path path, TrainableLlama model, String name, Map<String, GgufValue> vocabulary) throws IOException {
        writeLlama(path, model, name, vocabulary, GgmlType.F32);
    }

    public static void writeLlama(Path path, TrainableLlama model, String name, Map<String, GgufValue> vocabulary, GgmlType type) throws IOException {
        TrainableLlama.Shape s = model.shape;
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("general.architecture", GgufValue.of("llama"));
        md.put("general.name", GgufValue.of(name));
        md.put("general.file_type", GgufValue.ofUint32(type.fileType()));
        md.put("llama.context_length", GgufValue.ofUint32(s.context()));
        md.put("llama.embedding_length", GgufValue.ofUint32(s.dim()));
        md.put("llama.block_count", GgufValue.ofUint32(s.layers()));
        md.put("llama.feed_forward_length", GgufValue.ofUint32(s.ff()));
        md.put("llama.rope.dimension_count", GgufValue.ofUint32(s.headSize()));
        md.put("llama.attention.head_count", GgufValue.ofUint32(s.heads()));
        md.put("llama.attention.head_count_kv", GgufValue.ofUint32(s.kvHeads()));
        md.put("llama.attention.layer_norm_rms_epsilon", GgufValue.ofFloat32(TrainableLlama.EPS));
        md.put("llama.rope.freq_base", GgufValue.ofFloat32(TrainableLlama.ROPE_BASE));
        md.putAll(vocabulary);
        int kv = s.kvHeads() * s.headSize();
        List<TensorSpec> specs = new ArrayList<>();
        for (String n : model.params.keySet()) {
            long[] shape = ggmlShape(n, s, kv);
            specs.add(new TensorSpec(n, shape.length == 1 ? GgmlType.F32 : matrixType(type, shape[0]), shape));
        }
        write(path, md, specs, model.params);
    }

    /** The frozen vision tower of {@code tower} (an mmproj file) with the trained projector in place of its own. */
    public static void writeMmproj(Path path, GgufFile tower, TrainableProjector projector, String name, GgmlType type) throws IOException {
        Map<String, GgufValue> md = new LinkedHashMap<>(tower.metadata().asMap());
        md.put("general.name", GgufValue.of(name));
        md.put("clip.vision.projection_dim", GgufValue.ofUint32(projector.out));
        List<TensorSpec> specs = new ArrayList<>(projectorSpecs(projector, type));
        List<TensorInfo> copied = new ArrayList<>();
        for (TensorInfo t : tower.tensorList()) {
            if (t.name().startsWith("mm.")) continue;
            specs.add(new TensorSpec(t.name(), t.type(), t.shape()));
            copied.add(t);
        }
        try (GgufWriter w = new GgufWriter(path, md, specs)) {
            writeTensors(w, specs.subList(0, 4), projector.params);
            for (TensorInfo t : copied) w.write(tower.tensorData(t).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    /** A draft's image adapter: only {@code mm.0}/{@code mm.2}, read by {@code --draft-mmproj}. */
    public static void writeProjector(Path path, TrainableProjector projector, String name, GgmlType type) throws IOException {
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("general.architecture", GgufValue.of("clip"));
        md.put("general.name", GgufValue.of(name));
        md.put("clip.has_vision_encoder", GgufValue.ofBool(false));
        md.put("clip.has_llava_projector", GgufValue.ofBool(true));
        md.put("clip.projector_type", GgufValue.of("mlp"));
        md.put("clip.vision.projection_dim", GgufValue.ofUint32(projector.out));
        write(path, md, projectorSpecs(projector, type), projector.params);
    }

    private static List<TensorSpec> projectorSpecs(TrainableProjector p, GgmlType type) {
        return List.of(
                new TensorSpec("mm.0.weight", matrixType(type, p.in), p.in, p.hidden),
                new TensorSpec("mm.0.bias", GgmlType.F32, p.hidden),
                new TensorSpec("mm.2.weight", matrixType(type, p.hidden), p.hidden, p.out),
                new TensorSpec("mm.2.bias", GgmlType.F32, p.out));
    }

    /** Rows whose length the block size does not divide stay F16, as llama-quantize falls back. */
    private static GgmlType matrixType(GgmlType type, long rowLength) {
        return rowLength % type.blockSize() == 0 ? type : GgmlType.F16;
    }

    private static void write(Path path, Map<String, GgufValue> md, List<TensorSpec> specs, Map<String, float[]> values) throws IOException {
        try (GgufWriter w = new GgufWriter(path, md, specs)) {
            writeTensors(w, specs, values);
        }
    }

    private static void writeTensors(GgufWriter w, List<TensorSpec> specs, Map<String, float[]> values) throws IOException {
        for (TensorSpec spec : specs) {
            float[] a = values.get(spec.name());
            byte[] out = new byte[(int) spec.byteSize()];
            TensorFormat.of(spec.type()).quantize(a, 0, a.length, MemorySegment.ofArray(out), 0);
            w.write(out);
        }
    }

    /** ggml's shape: ne0 is the row length (the input width), ne1 the number of rows. */
    private static long[] ggmlShape(String n, TrainableLlama.Shape s, int kv) {
        if (n.endsWith("norm.weight")) return new long[] {s.dim()};
        if (n.equals("token_embd.weight") || n.equals("output.weight")) return new long[] {s.dim(), s.vocab()};
        if (n.endsWith("attn_k.weight") || n.endsWith("attn_v.weight")) return new long[] {s.dim(), kv};
        if (n.endsWith("ffn_gate.weight") || n.endsWith("ffn_up.weight")) return new long[] {s.dim(), s.ff()};
        if (n.endsWith("ffn_down.weight")) return new long[] {s.ff(), s.dim()};
        return new long[] {s.dim(), s.dim()};
    }

}
