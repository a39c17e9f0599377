package dev.specula.synth;

import dev.specula.gguf.GgufValue;
import dev.specula.gguf.GgufWriter;
import dev.specula.gguf.GgufWriter.TensorSpec;
import dev.specula.tensor.GgmlType;
import dev.specula.tensor.TensorFormat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;

/**
 * Writes a random-weight Llama-family GGUF, streaming tensor by tensor and row block by row block, so a
 * 7B model never sits in memory. Weights are N(0, std) (approximately: a sum of uniforms), quantized with
 * the format's own reference quantizer; norms are 1. The output matrix gets a larger std so that greedy
 * decoding is peaked, as in the project's fixtures.
 */
public final class LlamaSynth {
    private static final int CHUNK_ELEMENTS = 1 << 20;

    private LlamaSynth() {}

    public record Options(LlamaShape shape, GgmlType type, long seed, float std, float outputStd, String name) {}

    public static void write(Path path, Options o, Map<String, GgufValue> vocabulary, DoubleConsumer progress) throws IOException {
        String[] tokens = (String[]) vocabulary.get("tokenizer.ggml.tokens").value();
        LlamaShape s = o.shape.vocab() == 0 ? o.shape.withVocab(tokens.length) : o.shape;
        s.validate();
        if (s.vocab() != tokens.length) {
            throw new IllegalArgumentException("shape vocab " + s.vocab() + " differs from the vocabulary's " + tokens.length + " tokens");
        }
        TensorFormat format = TensorFormat.of(o.type);
        if (s.embedding() % o.type.blockSize() != 0 || s.feedForward() % o.type.blockSize() != 0) {
            throw new IllegalArgumentException(o.type + " needs row lengths that are multiples of " + o.type.blockSize()
                    + "; embedding " + s.embedding() + " and feed-forward " + s.feedForward() + " are not");
        }
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("general.architecture", GgufValue.of("llama"));
        md.put("general.name", GgufValue.of(o.name));
        md.put("general.file_type", GgufValue.ofUint32(o.type.fileType()));
        md.put("llama.context_length", GgufValue.ofUint32(s.context()));
        md.put("llama.embedding_length", GgufValue.ofUint32(s.embedding()));
        md.put("llama.block_count", GgufValue.ofUint32(s.layers()));
        md.put("llama.feed_forward_length", GgufValue.ofUint32(s.feedForward()));
        md.put("llama.rope.dimension_count", GgufValue.ofUint32(s.headSize()));
        md.put("llama.attention.head_count", GgufValue.ofUint32(s.heads()));
        md.put("llama.attention.head_count_kv", GgufValue.ofUint32(s.kvHeads()));
        md.put("llama.attention.layer_norm_rms_epsilon", GgufValue.ofFloat32(1e-5f));
        md.put("llama.rope.freq_base", GgufValue.ofFloat32(10000f));
        md.putAll(vocabulary);

        int kv = s.kvHeads() * s.headSize();
        List<TensorSpec> specs = new ArrayList<>();
        specs.add(new TensorSpec("token_embd.weight", o.type, s.embedding(), s.vocab()));
        for (int l = 0; l < s.layers(); l++) {
            String b = "blk." + l + ".";
            specs.add(new TensorSpec(b + "attn_norm.weight", GgmlType.F32, s.embedding()));
            specs.add(new TensorSpec(b + "attn_q.weight", o.type, s.embedding(), s.embedding()));
            specs.add(new TensorSpec(b + "attn_k.weight", o.type, s.embedding(), kv));
            specs.add(new TensorSpec(b + "attn_v.weight", o.type, s.embedding(), kv));
            specs.add(new TensorSpec(b + "attn_output.weight", o.type, s.embedding(), s.embedding()));
            specs.add(new TensorSpec(b + "ffn_norm.weight", GgmlType.F32, s.embedding()));
            specs.add(new TensorSpec(b + "ffn_gate.weight", o.type, s.embedding(), s.feedForward()));
            specs.add(new TensorSpec(b + "ffn_up.weight", o.type, s.embedding(), s.feedForward()));
            specs.add(new TensorSpec(b + "ffn_down.weight", o.type, s.feedForward(), s.embedding()));
        }
        specs.add(new TensorSpec("output_norm.weight", GgmlType.F32, s.embedding()));
        specs.add(new TensorSpec("output.weight", o.type, s.embedding(), s.vocab()));

        long total = specs.stream().mapToLong(TensorSpec::byteSize).sum();
        long done = 0;
        RandomFill rnd = new RandomFill(o.seed);
        float[] values = new float[CHUNK_ELEMENTS];
        byte[] encoded = new byte[(int) o.type.byteSize(CHUNK_ELEMENTS)];
        MemorySegment encodedSeg = MemorySegment.ofArray(encoded);
        try (GgufWriter w = new GgufWriter(path, md, specs)) {
            for (TensorSpec spec : specs) {
                long elements = spec.byteSize() / spec.type().typeSize() * spec.type().blockSize();
                boolean norm = spec.type() == GgmlType.F32 && spec.shape().length == 1;
                TensorFormat f = norm ? TensorFormat.of(GgmlType.F32) : format;
                float std = spec.name().equals("output.weight") ? o.outputStd : o.std;
                for (long at = 0; at < elements; at += CHUNK_ELEMENTS) {
                    int n = (int) Math.min(CHUNK_ELEMENTS, elements - at);
                    if (norm) java.util.Arrays.fill(values, 0, n, 1f);
                    else rnd.gaussian(values, n, std);
                    f.quantize(values, 0, n, encodedSeg, 0);
                    int bytes = (int) f.type().byteSize(n);
                    w.write(encoded, 0, bytes);
                    done += bytes;
                    if (progress != null) progress.accept((double) done / total);
                }
            }
        }
    }

}
