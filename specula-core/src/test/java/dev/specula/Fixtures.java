package dev.specula;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where tests find their data. The project's own fixtures (random models, images, llama.cpp's outputs)
 * are test resources; the third-party files (stories260K and the vocab-only GGUFs) are read from the
 * shared fixtures folder beside the checkout, and tests that need them are skipped when it is absent.
 */
public final class Fixtures {
    private Fixtures() {}

    /** A file of the project's own fixtures, e.g. {@code tiny-llava-lm-f16.gguf} or {@code expected/summary.json}. */
    public static Path own(String relative) {
        String base = System.getProperty("specula.testFixtures");
        Path root = base != null ? Path.of(base) : locateOwn();
        Path p = root.resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("test fixture missing: " + p);
        }
        return p;
    }

    /**
     * A third-party file from ../shared/fixtures; skips the calling test when it is not there, except in CI
     * ({@code CI=true}), where a missing file fails the test: a CI run must not pass by skipping conformance tests.
     */
    public static Path shared(String name) {
        String base = System.getProperty("specula.fixtures", "../shared/fixtures");
        Path p = Path.of(base).resolve(name);
        if (!Files.isRegularFile(p) && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true, but the third-party fixture " + name + " is missing from "
                    + Path.of(base).toAbsolutePath().normalize() + ": put ../shared/fixtures beside the checkout"
                    + " (see its README) or unset CI to skip the tests that need it");
        }
        Assumptions.assumeTrue(Files.isRegularFile(p),
                "skipped: third-party fixture " + name + " not found in " + base + " (it is never committed)");
        return p;
    }

    private static Path locateOwn() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("specula-core/src/test/resources/fixtures");
            if (Files.isDirectory(p)) return p;
        }
        throw new IllegalStateException("cannot find specula-core/src/test/resources/fixtures");
    }
}
