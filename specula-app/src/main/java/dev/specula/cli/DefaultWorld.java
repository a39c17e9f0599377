package dev.specula.cli;

import dev.specula.synth.LlamaShape;
import dev.specula.synth.LlamaSynth;
import dev.specula.synth.SynthVocabulary;
import dev.specula.tensor.GgmlType;
import dev.specula.vision.MmprojShape;
import dev.specula.vision.MmprojSynth;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded default world for {@code generate --demo}: a tiny random LLaVA target with its mmproj, a
 * draft that is the same weights in Q8_0, and a test picture, synthesized once into the cache folder
 * ({@code specula.home}/.specula-cache, set by the launcher). Until trained demo weights exist, the text
 * is noise, but every stage of the pipeline runs for real.
 */
final class DefaultWorld {
    private static final String VERSION = "v3";

    private DefaultWorld() {}

    static Path folder() {
        String home = System.getProperty("specula.home", ".");
        return Path.of(home, ".specula-cache", "default-" + VERSION);
    }

    static void apply(GenerateCommand g, boolean progress) throws IOException {
        Path dir = folder();
        Files.createDirectories(dir);
        Path target = dir.resolve("target-f16.gguf");
        Path draft = dir.resolve("draft-q8_0.gguf");
        Path mmproj = dir.resolve("mmproj-f16.gguf");
        Path image = dir.resolve("shapes.png");
        var vocab = SynthVocabulary.builtIn(512);
        if (!Files.exists(target)) {
            try (Progress p = Progress.start("synth default target", progress)) {
                write(target, t -> LlamaSynth.write(t, new LlamaSynth.Options(LlamaShape.named("tiny"), GgmlType.F16, 101, 0.02f, 0.5f, "default-target"), vocab, p));
            }
        }
        if (!Files.exists(draft)) {
            // The same random weights (same seed) stored as Q8_0: a quantized self-draft that reads about half
            // the target's bytes and agrees with it wherever quantization does not flip a token.
            write(draft, t -> LlamaSynth.write(t, new LlamaSynth.Options(LlamaShape.named("tiny"), GgmlType.Q8_0, 101, 0.02f, 0.5f, "default-draft-q8_0"), vocab, null));
        }
        if (!Files.exists(mmproj)) {
            write(mmproj, t -> MmprojSynth.write(t, MmprojShape.named("tiny"), GgmlType.F16, 102, null));
        }
        if (!Files.exists(image)) {
            write(image, DefaultWorld::drawPicture);
        }
        if (g.model == null) {
            g.model = target;
            if (g.mmproj == null) g.mmproj = mmproj;
            if (g.images.isEmpty()) g.images.add(image);
            if (g.draft == null && g.draftNgram == null) g.draft = draft;
            g.chat = true;
        }
        if (g.prompt == null) g.prompt = "Describe the image.";
        // The demo shows the lossless check: greedy, and the same run without the draft beside it.
        if (!g.given("--temp")) g.temp = 0;
        g.compare = true;
    }

    private interface Writer {
        void write(Path tmp) throws IOException;
    }

    /** Writes to a temporary name first so an interrupted synth never leaves a half file behind. */
    private static void write(Path path, Writer w) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".part");
        w.write(tmp);
        Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void drawPicture(Path path) throws IOException {
        BufferedImage img = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(245, 242, 235));
        g.fillRect(0, 0, 160, 120);
        g.setColor(new Color(200, 40, 40));
        g.fillRect(12, 14, 50, 36);
        g.setColor(new Color(40, 90, 200));
        g.fillOval(80, 20, 60, 44);
        g.setColor(new Color(30, 150, 60));
        g.fillPolygon(new int[] {30, 70, 10}, new int[] {70, 110, 110}, 3);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(3));
        g.drawLine(90, 100, 150, 80);
        g.dispose();
        if (!ImageIO.write(img, "png", path.toFile())) throw new IOException("no PNG writer");
    }
}
