package dev.specula.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.specula.cli.CliRun.f;
import static org.assertj.core.api.Assertions.assertThat;

/** Every error a user can cause ends in one clear line and a non-zero exit, never a stack trace. */
class CliErrorsTest {

    @TempDir
    Path tmp;

    private static void assertOneLineError(CliRun r, String... fragments) {
        assertThat(r.exitCode()).as(r.err()).isNotZero();
        String[] lines = r.err().lines().filter(l -> !l.startsWith("WARNING")).toArray(String[]::new);
        assertThat(lines).as(r.err()).hasSize(1);
        assertThat(lines[0]).startsWith("specula: error: ").doesNotContain("Exception").doesNotContain("\tat ");
        for (String frag : fragments) assertThat(lines[0]).contains(frag);
    }

    @Test
    void missingModelFile() {
        assertOneLineError(CliRun.of("generate", "-m", tmp.resolve("nope.gguf").toString(), "-p", "hi"), "file not found", "nope.gguf");
    }

    @Test
    void directoryAsModel() {
        assertOneLineError(CliRun.of("generate", "-m", tmp.toString(), "-p", "hi"), "directory");
    }

    @Test
    void nonGgufFile() throws IOException {
        Path txt = Files.writeString(tmp.resolve("notes.txt"), "just some text, not a model at all");
        assertOneLineError(CliRun.of("inspect", txt.toString()), "not a GGUF");
    }

    @Test
    void unsupportedArchitecture() {
        // the mmproj file is a valid GGUF of architecture "clip", not a language model
        assertOneLineError(CliRun.of("generate", "-m", f("tiny-llava-mmproj-f16.gguf"), "-p", "hi"), "clip");
    }

    @Test
    void promptLongerThanTheContext() {
        String longPrompt = "word ".repeat(200);
        assertOneLineError(CliRun.of("generate", "-m", f("tiny-draft-f16.gguf"), "-p", longPrompt, "-c", "64", "-n", "4"),
                "context");
    }

    @Test
    void vocabularyMismatchIsRefused() throws IOException {
        Path other = tmp.resolve("other-vocab.gguf");
        assertThat(CliRun.of("synth", "--like", "tiny-draft", "--vocab-size", "512", "-o", other.toString(), "--quiet").exitCode()).isZero();
        assertOneLineError(CliRun.of("generate", "-m", f("tiny-llava-lm-f16.gguf"), "--draft", other.toString(), "-p", "hi", "-n", "4"),
                "differ");
    }

    @Test
    void missingImage() {
        assertOneLineError(CliRun.of("generate", "-m", f("tiny-llava-lm-f16.gguf"), "--mmproj", f("tiny-llava-mmproj-f16.gguf"),
                "--image", tmp.resolve("missing.png").toString(), "-p", "hi", "-n", "2"), "missing.png");
    }

    @Test
    void fileThatIsNotAnImage() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.png"), "this is not a picture");
        assertOneLineError(CliRun.of("generate", "-m", f("tiny-llava-lm-f16.gguf"), "--mmproj", f("tiny-llava-mmproj-f16.gguf"),
                "--image", bad.toString(), "-p", "hi", "-n", "2"), "bad.png");
    }

    @Test
    void truncatedJpeg() throws IOException {
        byte[] jpeg = Files.readAllBytes(CliRun.fixture("images/gradient_97x131.jpg"));
        Path cut = Files.write(tmp.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
        assertOneLineError(CliRun.of("generate", "-m", f("tiny-llava-lm-f16.gguf"), "--mmproj", f("tiny-llava-mmproj-f16.gguf"),
                "--image", cut.toString(), "-p", "hi", "-n", "2"), "cut.jpg");
    }

    @Test
    void imageOverTheSizeLimit() {
        assertOneLineError(CliRun.of("generate", "-m", f("tiny-llava-lm-f16.gguf"), "--mmproj", f("tiny-llava-mmproj-f16.gguf"),
                "--image", f("images/shapes_160x120.png"), "--max-image-pixels", "1000", "-p", "hi", "-n", "2"), "shapes_160x120.png");
    }

    @Test
    void mmprojWidthDiffersFromTheLanguageModel() {
        // the tiny mmproj projects to 256, the draft LM is 128 wide
        assertOneLineError(CliRun.of("generate", "-m", f("tiny-draft-f16.gguf"), "--mmproj", f("tiny-llava-mmproj-f16.gguf"),
                "--image", f("images/shapes_160x120.png"), "-p", "hi", "-n", "2"), "256", "128");
    }

    @Test
    void badOptionsGiveUsage() {
        CliRun r = CliRun.of("generate", "--no-such-flag");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option").doesNotContain("\tat ");
    }

    @Test
    void verboseAddsTheStackTrace() {
        CliRun r = CliRun.of("inspect", tmp.resolve("nope.gguf").toString(), "--verbose");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("specula: error: file not found").contains("\tat ");
    }
}
