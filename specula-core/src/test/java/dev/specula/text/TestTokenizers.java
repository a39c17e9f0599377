package dev.specula.text;

import dev.specula.Fixtures;
import dev.specula.gguf.GgufFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Tokenizers read from fixture files, loaded once per JVM (the llama-3 vocabulary takes a moment). */
final class TestTokenizers {
    private static final Map<Path, Tokenizer> CACHE = new ConcurrentHashMap<>();

    private TestTokenizers() {}

    /** The 512-token stories260K vocabulary, as embedded in the project's own tiny LLaVA model. */
    static Tokenizer tinyLlava() {
        return load(Fixtures.own("tiny-llava-lm-f16.gguf"));
    }

    /** A third-party vocabulary from the shared fixtures; skips the test when it is absent. */
    static Tokenizer shared(String name) {
        return load(Fixtures.shared(name));
    }

    static Tokenizer load(Path path) {
        return CACHE.computeIfAbsent(path.toAbsolutePath().normalize(), p -> {
            try (GgufFile f = GgufFile.open(p)) {
                return Tokenizer.fromGguf(f.metadata());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
