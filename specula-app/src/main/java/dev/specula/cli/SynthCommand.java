package dev.specula.cli;

import dev.specula.gguf.GgufFile;
import dev.specula.gguf.GgufValue;
import dev.specula.synth.LayerSkipDraft;
import dev.specula.synth.LlamaShape;
import dev.specula.synth.LlamaSynth;
import dev.specula.synth.SynthVocabulary;
import dev.specula.tensor.GgmlType;
import dev.specula.vision.MmprojShape;
import dev.specula.vision.MmprojSynth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Writes a random-weight Llama-family model (streamed to disk), for tests and benchmarks.",
                "With --mmproj it writes a CLIP vision tower + LLaVA-1.5 projector instead (shapes: tiny, clip-vit-l-336)."})
final class SynthCommand implements Callable<Integer> {

    @Option(names = {"-o", "--output"}, required = true, description = "Output GGUF path.")
    Path output;

    @Option(names = "--like", description = "A named shape: tiny, tiny-draft, llama2-7b, llama2-13b, draft-115m, llama-68m.")
    String like;

    @Option(names = "--mmproj", description = "Write an mmproj (vision tower + projector) instead of a language model.")
    boolean mmproj;

    @Option(names = "--projection-dim", description = "With --mmproj: the language model width the projector maps to.")
    Integer projectionDim;

    @Option(names = "--draft-from", description = "Derive a layer-skip draft from this target: its first --layers blocks, its embeddings and output.")
    Path draftFrom;

    @Option(names = "--dim", description = "Embedding width.") Integer dim;
    @Option(names = "--layers", description = "Number of blocks.") Integer layers;
    @Option(names = "--heads", description = "Attention heads.") Integer heads;
    @Option(names = "--kv-heads", description = "Key/value heads (GQA).") Integer kvHeads;
    @Option(names = "--ffn", description = "Feed-forward width.") Integer ffn;
    @Option(names = "--ctx", description = "Context length.") Integer ctx;

    @Option(names = "--type", defaultValue = "F16", description = "Storage type of the matrices, e.g. F16, Q8_0, Q4_0, Q4_K (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--vocab-from", description = "Copy the tokenizer from this GGUF (default: Specula's built-in vocabulary).")
    Path vocabFrom;

    @Option(names = "--vocab-size", defaultValue = "512", description = "Size of the built-in vocabulary (default: ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--std", defaultValue = "0.02", description = "Std of the weights (default: ${DEFAULT-VALUE}).") float std;
    @Option(names = "--output-std", defaultValue = "0.5", description = "Std of output.weight (default: ${DEFAULT-VALUE}).") float outputStd;
    @Mixin SharedOptions.ProgressBars bars;
    @Mixin SharedOptions.Verbose verbose;

    @Override
    public Integer call() throws Exception {
        if (mmproj) return writeMmproj();
        if (draftFrom != null) return writeLayerSkipDraft();
        LlamaShape s = like != null ? LlamaShape.named(like) : new LlamaShape(0, 0, 0, 0, 0, 0, 2048);
        s = new LlamaShape(dim != null ? dim : s.embedding(), layers != null ? layers : s.layers(),
                heads != null ? heads : s.heads(), kvHeads != null ? kvHeads : (heads != null && like == null ? heads : s.kvHeads()),
                ffn != null ? ffn : s.feedForward(), s.vocab(), ctx != null ? ctx : s.context());
        if (like == null && (dim == null || layers == null || heads == null || ffn == null)) {
            throw new IllegalArgumentException("give --like NAME or all of --dim, --layers, --heads and --ffn");
        }
        Map<String, GgufValue> vocab;
        if (vocabFrom != null) {
            try (GgufFile f = GgufFile.open(vocabFrom)) {
                vocab = SynthVocabulary.copiedFrom(f.metadata());
            }
            s = s.withVocab(0);
        } else {
            vocab = SynthVocabulary.builtIn(s.vocab() != 0 ? s.vocab() : vocabSize);
        }
        GgmlType t = GgmlType.parse(type);
        if (output.getParent() != null) Files.createDirectories(output.getParent());
        Path tmp = output.resolveSibling(output.getFileName() + ".part");
        var options = new LlamaSynth.Options(s, t, seed, std, outputStd, like != null ? "synth-" + like : "synth");
        try (Progress p = Progress.start("synth " + output.getFileName(), bars.shown())) {
            LlamaSynth.write(tmp, options, vocab, p);
        } catch (Exception e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return finish(tmp);
    }

    private Integer writeMmproj() throws Exception {
        if (like == null) throw new IllegalArgumentException("--mmproj needs --like tiny or --like clip-vit-l-336");
        MmprojShape shape = MmprojShape.named(like);
        if (projectionDim != null) shape = shape.withProjection(projectionDim);
        GgmlType t = GgmlType.parse(type);
        if (output.getParent() != null) Files.createDirectories(output.getParent());
        Path tmp = output.resolveSibling(output.getFileName() + ".part");
        try (Progress p = Progress.start("synth " + output.getFileName(), bars.shown())) {
            MmprojSynth.write(tmp, shape, t, seed, p);
        } catch (Exception e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return finish(tmp);
    }

    private Integer writeLayerSkipDraft() throws Exception {
        if (layers == null) throw new IllegalArgumentException("--draft-from needs --layers N (blocks to keep)");
        Path tmp = output.resolveSibling(output.getFileName() + ".part");
        try (GgufFile target = GgufFile.open(draftFrom); Progress p = Progress.start("synth " + output.getFileName(), bars.shown())) {
            LayerSkipDraft.write(target, layers, tmp, p);
        } catch (Exception e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return finish(tmp);
    }

    private Integer finish(Path tmp) throws Exception {
        Files.move(tmp, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.err.printf("wrote %s (%,d bytes)%n", output, Files.size(output));
        return 0;
    }
}
