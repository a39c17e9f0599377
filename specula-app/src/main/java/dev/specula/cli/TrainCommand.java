package dev.specula.cli;

import dev.specula.gguf.GgufMetadata;
import dev.specula.gguf.GgufValue;
import dev.specula.text.Tokenizer;
import dev.specula.train.AdamW;
import dev.specula.train.SceneWorld;
import dev.specula.train.Task;
import dev.specula.train.TrainableLlama;
import dev.specula.train.TrainedGguf;
import dev.specula.train.Trainer;
import dev.specula.train.WorldVocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains a language-only Llama on the demo world's text (answer tokens only) and writes it as GGUF.")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--task", defaultValue = "caption", description = "caption, qa or chat (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--scenes", defaultValue = "2000", description = "Training scenes (default: ${DEFAULT-VALUE}).")
    int scenes;

    @Option(names = "--steps", defaultValue = "300") int steps;
    @Option(names = "--batch", defaultValue = "8") int batch;
    @Option(names = "--dim", defaultValue = "64") int dim;
    @Option(names = "--layers", defaultValue = "1") int layers;
    @Option(names = "--heads", defaultValue = "4") int heads;
    @Option(names = "--kv-heads", defaultValue = "2") int kvHeads;
    @Option(names = "--ff", defaultValue = "128") int ff;
    @Option(names = "--lr", defaultValue = "3e-3") float lr;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--threads", defaultValue = "2") int threads;

    @Option(names = {"-o", "--out"}, required = true, description = "Output GGUF.")
    Path out;

    @Option(names = "--checkpoint", description = "Resume from this file if it exists (same shape and --steps), and save to it at the end.")
    Path checkpoint;

    @Option(names = "--loss-png", description = "Draw the loss curve to this PNG.")
    Path lossPng;

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true");
        SceneWorld world = new SceneWorld(seed);
        Map<String, GgufValue> vocab = WorldVocabulary.train(WorldVocabulary.corpus(world, scenes), 2);
        Tokenizer tok = Tokenizer.fromGguf(new GgufMetadata(vocab));
        Task t = Task.parse(task);
        List<Trainer.Sequence> data = new ArrayList<>();
        for (int i = 0; i < scenes; i++) {
            Task.Example ex = t.example(world.scene(SceneWorld.Split.TRAIN, i));
            data.add(Trainer.sequence(tok, ex.prompt(), ex.reference(), 1, 2));
        }
        int vocabSize = ((String[]) vocab.get("tokenizer.ggml.tokens").value()).length;
        TrainableLlama model = new TrainableLlama(new TrainableLlama.Shape(vocabSize, dim, layers, heads, kvHeads, ff, 256), seed);
        System.out.printf("vocab %d, %d parameters, %d sequences%n", vocabSize, model.parameterCount(), data.size());
        long t0 = System.nanoTime();
        AdamW opt = new AdamW(lr, 0.01f, 1f, Math.max(1, steps / 20), steps);
        int done = 0;
        if (checkpoint != null && java.nio.file.Files.exists(checkpoint)) {
            dev.specula.train.Checkpoint.load(checkpoint, model.params, opt);
            done = opt.steps();
            System.out.printf("resumed from %s at step %d%n", checkpoint, done);
        }
        int remaining = Math.max(0, steps - done);
        List<Float> losses = Trainer.train(model, data, remaining, batch, opt, threads, seed + done, (s, n, loss) -> {
            if (s == 1 || s % Math.max(1, n / 20) == 0 || s == n) {
                double el = (System.nanoTime() - t0) / 1e9;
                System.out.printf("step %d/%d loss %.4f  %.0fs elapsed, ETA %.0fs%n", s, n, loss, el, el / s * (n - s));
            }
        });
        if (checkpoint != null) dev.specula.train.Checkpoint.save(checkpoint, model.params, opt);
        if (losses.isEmpty()) losses.add(Float.NaN);
        TrainedGguf.writeLlama(out, model, "specula-demo-" + t.name().toLowerCase(), vocab);
        System.out.printf("wrote %s after %.0fs, final loss %.4f%n", out, (System.nanoTime() - t0) / 1e9, losses.getLast());
        if (lossPng != null) ImageIO.write(chart(losses), "png", lossPng.toFile());
        return 0;
    }

    private static BufferedImage chart(List<Float> losses) {
        int w = 640, h = 360;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        float max = 0;
        for (float l : losses) max = Math.max(max, l);
        g.setColor(Color.BLACK);
        g.drawString("training loss (max " + String.format("%.2f", max) + ", last " + String.format("%.3f", losses.getLast()) + ")", 10, 15);
        g.setColor(new Color(30, 90, 200));
        for (int i = 1; i < losses.size(); i++) {
            int x0 = 10 + (i - 1) * (w - 20) / losses.size(), x1 = 10 + i * (w - 20) / losses.size();
            int y0 = h - 10 - (int) (losses.get(i - 1) / max * (h - 40)), y1 = h - 10 - (int) (losses.get(i) / max * (h - 40));
            g.drawLine(x0, y0, x1, y1);
        }
        g.dispose();
        return img;
    }
}
