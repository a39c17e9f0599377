package dev.specula.train;

import dev.specula.gguf.GgufValue;
import dev.specula.gguf.GgufWriter;
import dev.specula.gguf.GgufWriter.TensorSpec;
import dev.specula.tensor.GgmlType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a trained model as a llama.cpp {@code llama} GGUF (float32 tensors, the given vocabulary). */
public final class TrainedGguf {

    private TrainedGguf() {}

    public static void writeLlama(Path path, TrainableLlama model, String name, Map<String, GgufValue> vocabulary) throws IOException {
        TrainableLlama.Shape s = model.shape;
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("general.architecture", GgufValue.of("llama"));
        md.put("general.name", GgufValue.of(name));
        md.put("general.file_type", GgufValue.ofUint32(0));
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
        for (String n : model.params.keySet()) specs.add(new TensorSpec(n, GgmlType.F32, ggmlShape(n, s, kv)));
        try (GgufWriter w = new GgufWriter(path, md, specs)) {
            for (float[] a : model.params.values()) {
                ByteBuffer bb = ByteBuffer.allocate(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                bb.asFloatBuffer().put(a);
                w.write(bb.array());
            }
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
