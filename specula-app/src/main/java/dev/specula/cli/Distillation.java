package dev.specula.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.specula.engine.Engine;
import dev.specula.engine.EngineConfig;
import dev.specula.engine.FinishReason;
import dev.specula.engine.Listener;
import dev.specula.engine.Message;
import dev.specula.engine.Request;
import dev.specula.engine.Result;
import dev.specula.gguf.GgufFile;
import dev.specula.gguf.GgufValue;
import dev.specula.image.ImageLoader;
import dev.specula.sampling.SamplerConfig;
import dev.specula.sampling.TopLogits;
import dev.specula.text.Tokenizer;
import dev.specula.train.Trainer;
import dev.specula.vision.ClipEncoder;
import dev.specula.vision.ImageFeatures;
import dev.specula.vision.RgbImage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code specula train --distill-from}: a target's own greedy answers to a prompt file, as training
 * sequences for a draft. A language-only draft reads exactly the text tokens the engine hands it
 * ({@link Result#promptTokens()}, the image dropped); an image-adapter draft reads the same tokens with
 * the image's vision features where the engine puts the image ({@link Engine#promptPieces}). Then come
 * the target's answer ids as generated (never re-encoded text), with targets on the answer and on the
 * end token when the target stopped on one.
 */
final class Distillation {

    /** One prompt of the JSONL file; {@code image} is null for a text-only prompt. */
    record Line(String id, String prompt, Path image) {}

    /** The lines of a {@code specula data} style JSONL: {@code prompt}, optional {@code image} relative to the file's folder. */
    static List<Line> readPrompts(Path jsonl) throws IOException {
        List<Line> lines = new ArrayList<>();
        Path dir = jsonl.toAbsolutePath().getParent();
        int n = 0;
        for (String s : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
            n++;
            if (s.isBlank()) continue;
            JsonNode o = Json.MAPPER.readTree(s);
            JsonNode prompt = o.get("prompt");
            if (prompt == null || !prompt.isTextual()) throw new IllegalArgumentException(jsonl + ":" + n + ": no \"prompt\" string");
            JsonNode image = o.get("image");
            String id = o.hasNonNull("id") ? o.get("id").asText() : String.valueOf(n);
            lines.add(new Line(id, prompt.asText(), image == null || image.isNull() ? null : dir.resolve(image.asText())));
        }
        if (lines.isEmpty()) throw new IllegalArgumentException(jsonl + " holds no prompts");
        return lines;
    }

    /** The target's tokenizer metadata, which the draft must share. */
    static Map<String, GgufValue> vocabulary(Path target) throws IOException {
        try (GgufFile f = GgufFile.open(target)) {
            Map<String, GgufValue> v = new LinkedHashMap<>();
            f.metadata().asMap().forEach((k, val) -> { if (k.startsWith("tokenizer.")) v.put(k, val); });
            if (v.isEmpty()) throw new IllegalArgumentException(target + " has no tokenizer.* metadata");
            return v;
        }
    }

    /**
     * Loads the target (target-only, greedy) and turns its answer to every line into a draft training
     * sequence. {@code chat} uses the engine's chat template instead of the raw {@code <image>prompt\n}.
     * {@code adapterTower} (null for a language-only draft) gives a line's image as the features an
     * image-adapter draft projects, at the image's place in the engine's prompt.
     */
    static List<Trainer.Sequence> sequences(Path target, Path mmproj, List<Line> lines, int maxAnswer, boolean chat,
                                            int logitsK, ClipEncoder adapterTower, int threads, boolean progress)
            throws IOException, InterruptedException {
        for (Line l : lines) {
            if (l.image() != null && mmproj == null) {
                throw new IllegalArgumentException("prompt " + l.id() + " has an image: give the target's vision tower with --mmproj");
            }
        }
        EngineConfig config = EngineConfig.of(target).withMmproj(mmproj).withThreads(threads).withContextLength(0);
        ImageLoader loader = new ImageLoader();
        List<Trainer.Sequence> data = new ArrayList<>();
        long answerTokens = 0, ended = 0, longest = 0;
        try (Engine engine = Engine.load(config, null);
             Progress bar = Progress.withEta("distil", progress)) {
            int end = endToken(engine.tokenizer());
            for (int i = 0; i < lines.size(); i++) {
                Line l = lines.get(i);
                Request request = request(l, loader, chat, maxAnswer).withTopLogits(logitsK);
                Result r = engine.generate(request, Listener.NONE);
                // Result.tokens() leaves the end-of-generation token out; it ended on one when STOP came without a stop string.
                boolean stopped = r.finish() == FinishReason.STOP && r.stopString() == null;
                List<int[]> pieces = List.of(r.promptTokens());
                ImageFeatures image = null;
                if (adapterTower != null && l.image() != null) {
                    pieces = engine.promptPieces(request);
                    if (!Arrays.equals(concat(pieces), r.promptTokens())) {
                        throw new IllegalStateException("prompt " + l.id() + ": the engine's prompt pieces differ from its prompt tokens");
                    }
                    RgbImage picture = request.messages().getFirst().images().getFirst();
                    image = adapterTower.encodeFeatures(adapterTower.preprocessor().preprocess(picture));
                }
                Trainer.Sequence seq = sequence(pieces, image, r.tokens(), stopped ? end : -1);
                if (logitsK > 0) seq = withSoftTargets(seq, r.promptTokens().length, r.topLogits(), logitsK);
                data.add(seq);
                longest = Math.max(longest, seq.targets().length + 1);
                answerTokens += r.tokens().length;
                if (stopped) ended++;
                bar.accept((i + 1.0) / lines.size());
                bar.message(String.format(" %d answer tokens", answerTokens));
            }
        }
        // The longest prompt + answer: the draft's --context should hold it, or it stops drafting there.
        System.out.printf("distilled %d answers from %s: %d tokens, %d ended by the target, %d cut at --max-answer %d; longest %d positions%n",
                lines.size(), target.getFileName(), answerTokens, ended, lines.size() - ended, maxAnswer, longest);
        return data;
    }

    /** The request the target answers: greedy, target-only, in the raw demo format or the chat template. */
    static Request request(Line l, ImageLoader loader, boolean chat, int maxAnswer) throws IOException {
        RgbImage[] pictures = l.image() == null ? new RgbImage[0] : new RgbImage[] {loader.load(l.image())};
        // Raw: the engine puts the image marker first, so the text reads "<image>prompt\n" as the demo world is trained.
        Message m = Message.user(chat ? l.prompt() : l.prompt() + "\n", pictures);
        return new Request(List.of(m), chat, SamplerConfig.greedy(), maxAnswer, List.of(), 0, false, false, 0, null);
    }

    /**
     * Prompt, answer and (when {@code end >= 0}) the end token as one sequence: the prompt's last position
     * predicts the first answer token, each answer token the next, the last one the end token.
     */
    static Trainer.Sequence sequence(int[] prompt, int[] answer, int end) {
        return sequence(List.of(prompt), null, answer, end);
    }

    /**
     * As above for a prompt given as {@link Engine#promptPieces}: with {@code image}, its rows sit between
     * the first and the second piece (and shift the targets after them); without, the pieces are one text.
     */
    static Trainer.Sequence sequence(List<int[]> pieces, ImageFeatures image, int[] answer, int end) {
        if (image != null && pieces.size() != 2) throw new IllegalArgumentException("one image needs 2 prompt pieces, got " + pieces.size());
        int[] prompt = concat(pieces);
        int promptLength = prompt.length;
        int[] all = Arrays.copyOf(prompt, promptLength + answer.length + (end >= 0 ? 1 : 0));
        System.arraycopy(answer, 0, all, promptLength, answer.length);
        if (end >= 0) all[all.length - 1] = end;
        int[] ids = Arrays.copyOf(all, all.length - 1);
        int rows = image == null ? 0 : image.tokens();
        // positions count the image's rows: from the prompt's last position on, text token t sits at t + rows
        int[] targets = new int[ids.length + rows];
        Arrays.fill(targets, -1);
        for (int t = promptLength - 1; t < ids.length; t++) targets[t + rows] = all[t + 1];
        return image == null ? new Trainer.Sequence(ids, targets)
                : new Trainer.Sequence(ids, targets, pieces.getFirst().length, image.data(), rows);
    }

    private static int[] concat(List<int[]> pieces) {
        int[] all = new int[pieces.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (int[] p : pieces) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** The share of the loss that goes to the target's distribution (the rest to its greedy token) with --distill-logits. */
    static final float LOGITS_WEIGHT = 0.5f;

    /**
     * Adds the target's top-K distribution at each answer position it was recorded for (the end token's
     * position has none: the engine records logits per emitted token). Softmax over the K logits only, so
     * the KL term is toward the target's distribution renormalised to its top K. {@code promptLength}
     * counts the prompt's tokens; an image in the sequence (kept, with its weights) adds its rows before them.
     */
    static Trainer.Sequence withSoftTargets(Trainer.Sequence s, int promptLength, List<TopLogits> tops, int k) {
        int n = s.targets().length;
        int[] ids = new int[n * k];
        float[] probs = new float[n * k];
        Arrays.fill(ids, -1);
        for (int i = 0; i < tops.size(); i++) {
            int t = s.imageRows() + promptLength - 1 + i;
            if (t >= n) break;
            TopLogits top = tops.get(i);
            float max = top.logits()[0];
            double sum = 0;
            for (float v : top.logits()) sum += Math.exp(v - max);
            for (int j = 0; j < top.ids().length; j++) {
                ids[t * k + j] = top.ids()[j];
                probs[t * k + j] = (float) (Math.exp(top.logits()[j] - max) / sum);
            }
        }
        return new Trainer.Sequence(s.ids(), s.targets(), s.imageAt(), s.features(), s.imageRows(), s.weights(),
                new Trainer.Soft(k, ids, probs, LOGITS_WEIGHT));
    }

    /**
     * The token a stopped answer ended with. The engine does not report which end-of-generation token
     * the target chose; with one such token in the vocabulary it is that one, otherwise EOS is assumed
     * (a draft that learns EOS where the target says end-of-turn loses one proposal per answer).
     */
    static int endToken(Tokenizer tok) {
        int found = -1, count = 0;
        for (int id = 0; id < tok.vocabSize(); id++) {
            if (tok.isEndOfGeneration(id)) {
                found = id;
                count++;
            }
        }
        return count == 1 ? found : tok.eos();
    }
}
