package dev.specula.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.specula.bench.MemoryBandwidth;
import dev.specula.bench.ModelTimer;
import dev.specula.gguf.GgufFile;
import dev.specula.gguf.GgufValue;
import dev.specula.gguf.TensorInfo;
import dev.specula.engine.Engine;
import dev.specula.engine.EngineConfig;
import dev.specula.synth.LlamaShape;
import dev.specula.synth.LlamaSynth;
import dev.specula.synth.SynthVocabulary;
import dev.specula.tensor.Backend;
import dev.specula.tensor.GgmlType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench-perf", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures decode and prefill tokens/s, the verify-cost curve r(k) = time(k tokens in one pass) / time(1),",
                "and achieved GB/s against this machine's measured memory bandwidth.",
                "Without -m it synthesizes a model (--like, --type) into .specula-cache/bench/ and reuses it."})
final class BenchPerfCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, description = "Model to measure (default: a synthesized one).") Path model;
    @Option(names = "--like", defaultValue = "llama2-7b", description = "Shape to synthesize (default: ${DEFAULT-VALUE}).") String like;
    @Option(names = "--type", defaultValue = "Q4_0", description = "Type to synthesize (default: ${DEFAULT-VALUE}).") String type;
    @Option(names = "--vocab-from", description = "Vocabulary for the synthesized model (default: ../shared/fixtures/ggml-vocab-llama-spm.gguf when present).") Path vocabFrom;
    @Mixin SharedOptions.Threads threads;
    @Option(names = "--prefill", defaultValue = "64", description = "Prefill batch (default: ${DEFAULT-VALUE}).") int prefill;
    @Option(names = "--k-max", defaultValue = "8", description = "Largest k for r(k) (default: ${DEFAULT-VALUE}).") int kMax;
    @Option(names = "--repeats", defaultValue = "5", description = "Timed repeats per figure; medians are reported (default: ${DEFAULT-VALUE}).") int repeats;
    @Option(names = "--backend", defaultValue = "both", description = "java, native, auto, or both = java and native when available (default: ${DEFAULT-VALUE}).") String backend;
    @Option(names = "--bandwidth-gib", defaultValue = "2", description = "Buffer for the bandwidth test, GiB; 0 skips it (default: ${DEFAULT-VALUE}).") int bandwidthGib;
    @Option(names = "--json", description = "Print one JSON object.") boolean json;
    @Mixin SharedOptions.ProgressBars bars;
    @Mixin SharedOptions.Verbose verbose;

    @Override
    public Integer call() throws Exception {
        int nThreads = threads.count();
        Path path = model != null ? model : synthesized();
        List<Backend> backends = new ArrayList<>();
        if (backend.equalsIgnoreCase("both")) {
            backends.add(Backend.JAVA);
            if (Backend.nativeStatus().startsWith("available")) backends.add(Backend.NATIVE);
        } else {
            backends.add(Backend.parse(backend));
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("model", path.toString());
        root.put("threads", nThreads);
        root.put("cpu_cores", Runtime.getRuntime().availableProcessors());
        root.put("native", Backend.nativeStatus());
        MemoryBandwidth.Result bw = null;
        if (bandwidthGib > 0) {
            bw = MemoryBandwidth.measure(nThreads, (long) bandwidthGib << 30, 5);
            ObjectNode b = root.putObject("memory_bandwidth");
            b.put("threads", nThreads);
            b.put("median_gbs", bw.medianGbs());
            b.put("min_gbs", bw.minGbs());
            b.put("max_gbs", bw.maxGbs());
            if (!json) System.out.printf(Locale.ROOT, "memory bandwidth (%d threads): %.1f GB/s median (%.1f..%.1f)%n",
                    nThreads, bw.medianGbs(), bw.minGbs(), bw.maxGbs());
        }
        ArrayNode results = root.putArray("results");
        try (GgufFile file = GgufFile.open(path)) {
            long weightBytes = file.tensorList().stream().filter(t -> !t.name().equals("token_embd.weight"))
                    .mapToLong(TensorInfo::byteSize).sum();
            root.put("weight_bytes_per_token", weightBytes);
            // Loaded through the engine API like every other command; the timer runs on a session's target.
            EngineConfig config = EngineConfig.of(path).withThreads(nThreads).withContextLength(1024);
            Engine loaded;
            try (Progress p = Progress.start("paging in " + path.getFileName(), bars.shown() && !json)) {
                loaded = Engine.load(config, p);
            }
            try (Engine engine = loaded) {
                for (Backend b : backends) {
                    Backend.select(b);
                    ModelTimer.Result r = engine.withModels((m, draft) -> ModelTimer.run(m, prefill, kMax, repeats));
                    ObjectNode o = results.addObject();
                    o.put("backend", Backend.describe());
                    o.put("decode_tps", r.decodeTps());
                    o.put("prefill_tps", r.prefillTps());
                    o.put("prefill_tokens", r.prefillTokens());
                    ObjectNode ratio = o.putObject("verify_ratio");
                    r.verifyRatio().forEach((k, v) -> ratio.put(String.valueOf(k), v));
                    ObjectNode ms = o.putObject("pass_ms");
                    r.passMillis().forEach((k, v) -> ms.put(String.valueOf(k), v));
                    double achieved = weightBytes * r.decodeTps() / 1e9;
                    o.put("achieved_gbs", achieved);
                    if (bw != null) o.put("fraction_of_bandwidth", achieved / bw.medianGbs());
                    if (!json) print(o);
                }
            }
        }
        // the first result's figures at top level: the keys scripts read
        if (!results.isEmpty()) {
            ObjectNode first = (ObjectNode) results.get(0);
            root.set("decode_tps", first.get("decode_tps"));
            root.set("prefill_tps", first.get("prefill_tps"));
            root.set("verify_ratio", first.get("verify_ratio"));
        }
        if (json) Json.print(root);
        return 0;
    }

    private static void print(ObjectNode o) {
        System.out.printf(Locale.ROOT, "%n[%s]%n  decode  %.2f tokens/s (%.1f GB/s of weights%s)%n  prefill %.2f tokens/s (batch %d)%n  r(k):",
                o.get("backend").asText(), o.get("decode_tps").asDouble(), o.get("achieved_gbs").asDouble(),
                o.has("fraction_of_bandwidth") ? String.format(Locale.ROOT, ", %.0f%% of measured bandwidth", 100 * o.get("fraction_of_bandwidth").asDouble()) : "",
                o.get("prefill_tps").asDouble(), o.get("prefill_tokens").asInt());
        o.get("verify_ratio").properties().forEach(e -> System.out.printf(Locale.ROOT, " %s:%.2f", e.getKey(), e.getValue().asDouble()));
        System.out.println();
    }

    private Path synthesized() throws Exception {
        GgmlType t = GgmlType.parse(type);
        Path dir = DefaultWorld.folder().resolveSibling("bench");
        Files.createDirectories(dir);
        Path out = dir.resolve(like + "-" + t.name().toLowerCase(Locale.ROOT) + ".gguf");
        if (Files.exists(out)) return out;
        Path vocabPath = vocabFrom;
        if (vocabPath == null) {
            Path shared = Path.of(System.getProperty("specula.home", "."), "..", "shared", "fixtures", "ggml-vocab-llama-spm.gguf");
            if (Files.exists(shared)) vocabPath = shared;
        }
        LlamaShape shape = LlamaShape.named(like);
        Map<String, GgufValue> vocab;
        if (vocabPath != null) {
            try (GgufFile f = GgufFile.open(vocabPath)) {
                vocab = SynthVocabulary.copiedFrom(f.metadata());
            }
            shape = shape.withVocab(0);
        } else {
            vocab = SynthVocabulary.builtIn(shape.vocab());
        }
        Path tmp = out.resolveSibling(out.getFileName() + ".part");
        try (Progress p = Progress.start("synth " + out.getFileName(), bars.shown())) {
            LlamaSynth.write(tmp, new LlamaSynth.Options(shape, t, 1, 0.02f, 0.5f, "bench-" + like), vocab, p);
        }
        Files.move(tmp, out);
        return out;
    }
}
