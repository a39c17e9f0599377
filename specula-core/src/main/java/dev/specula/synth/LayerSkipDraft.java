package dev.specula.synth;

import dev.specula.gguf.GgufFile;
import dev.specula.gguf.GgufValue;
import dev.specula.gguf.GgufWriter;
import dev.specula.gguf.GgufWriter.TensorSpec;
import dev.specula.gguf.TensorInfo;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;

/**
 * Derives a draft from a Llama-family target by keeping its first {@code layers} blocks with the target's
 * own embeddings, final norm and output matrix (layer-skip self-speculation). It needs no training and
 * shares the vocabulary by construction; how well it predicts the target depends on the model.
 */
public final class LayerSkipDraft {
    private static final int CHUNK = 1 << 20;

    private LayerSkipDraft() {}

    public static void write(GgufFile target, int layers, Path out, DoubleConsumer progress) throws IOException {
        String arch = target.metadata().getString("general.architecture", "");
        if (!arch.equals("llama")) {
            throw new IllegalArgumentException(target.describe() + ": architecture '" + arch + "', a layer-skip draft needs 'llama'");
        }
        int blocks = target.metadata().getInt("llama.block_count");
        if (layers < 1 || layers >= blocks) {
            throw new IllegalArgumentException("a layer-skip draft keeps 1 to " + (blocks - 1) + " of the target's " + blocks + " blocks, not " + layers);
        }
        Map<String, GgufValue> md = new LinkedHashMap<>(target.metadata().asMap());
        md.remove("general.alignment");
        md.put("llama.block_count", GgufValue.ofUint32(layers));
        md.put("general.name", GgufValue.of(target.metadata().getString("general.name", "model") + "-first-" + layers + "-layers"));
        List<TensorInfo> kept = new ArrayList<>();
        for (TensorInfo t : target.tensorList()) {
            if (!t.name().startsWith("blk.") || Integer.parseInt(t.name().split("\\.")[1]) < layers) kept.add(t);
        }
        List<TensorSpec> specs = kept.stream().map(t -> new TensorSpec(t.name(), t.type(), t.shape())).toList();
        long total = kept.stream().mapToLong(TensorInfo::byteSize).sum();
        long done = 0;
        byte[] buf = new byte[CHUNK];
        try (GgufWriter w = new GgufWriter(out, md, specs)) {
            for (TensorInfo t : kept) {
                MemorySegment data = target.tensorData(t);
                for (long at = 0; at < t.byteSize(); at += CHUNK) {
                    int n = (int) Math.min(CHUNK, t.byteSize() - at);
                    MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, buf, 0, n);
                    w.write(buf, 0, n);
                    done += n;
                    if (progress != null) progress.accept((double) done / total);
                }
            }
        }
    }
}
