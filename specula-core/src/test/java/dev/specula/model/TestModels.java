package dev.specula.model;

import dev.specula.gguf.GgufFile;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.UnsupportedTensorTypeException;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Opening fixture models in tests; a format whose kernel is not in the tree yet skips the test, naming it. */
public final class TestModels {
    public static final Parallel POOL = new Parallel(2);

    private TestModels() {}

    public static LlamaModel open(Path path, LlamaModel.Options options) {
        try {
            return LlamaModel.open(path, POOL, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof UnsupportedTensorTypeException u) {
                    Assumptions.abort("skipped: tensor format " + u.type() + " has no kernel yet (" + path.getFileName() + ")");
                }
            }
            throw e;
        }
    }

    public static LlamaModel open(Path path) {
        return open(path, LlamaModel.Options.defaults());
    }

    public static GgufFile gguf(Path path) {
        try {
            return GgufFile.open(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
