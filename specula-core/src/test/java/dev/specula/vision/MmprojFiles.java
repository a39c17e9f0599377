package dev.specula.vision;

import dev.specula.gguf.GgufFile;
import dev.specula.gguf.GgufValue;
import dev.specula.gguf.GgufWriter;
import dev.specula.gguf.TensorInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Test helper: copies a GGUF with edited metadata and a subset of its tensors. */
final class MmprojFiles {
    private MmprojFiles() {}

    static Path rewrite(Path src, Path dst, Consumer<Map<String, GgufValue>> edit, Predicate<String> keepTensor) throws IOException {
        try (GgufFile in = GgufFile.open(src)) {
            Map<String, GgufValue> md = new LinkedHashMap<>(in.metadata().asMap());
            edit.accept(md);
            List<TensorInfo> kept = in.tensorList().stream().filter(t -> keepTensor.test(t.name())).toList();
            List<GgufWriter.TensorSpec> specs = new ArrayList<>();
            for (TensorInfo t : kept) specs.add(new GgufWriter.TensorSpec(t.name(), t.type(), t.shape()));
            try (GgufWriter w = new GgufWriter(dst, md, specs)) {
                for (TensorInfo t : kept) {
                    w.write(in.tensorData(t).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                }
            }
        }
        return dst;
    }
}
