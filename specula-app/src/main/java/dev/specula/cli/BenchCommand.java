package dev.specula.cli;

import dev.specula.bench.BenchRun;
import dev.specula.bench.BenchTask;
import dev.specula.bench.CellResult;
import dev.specula.bench.CellStore;
import dev.specula.bench.Charts;
import dev.specula.bench.CostMeter;
import dev.specula.bench.Costs;
import dev.specula.bench.DrafterSpec;
import dev.specula.bench.Fingerprint;
import dev.specula.bench.PromptFormat;
import dev.specula.bench.Report;
import dev.specula.bench.TaskSets;
import dev.specula.engine.Engine;
import dev.specula.engine.EngineConfig;
import dev.specula.engine.Message;
import dev.specula.engine.Request;
import dev.specula.gguf.GgufFile;
import dev.specula.image.ImageLoader;
import dev.specula.tensor.Backend;
import dev.specula.train.Task;
import dev.specula.vision.ClipConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The paper's evaluation: for each task, drafter, γ and temperature, every sample is generated target-only and speculatively; it reports τ, acceptance (overall and by draft position), MBSU, measured and predicted decode speedup, tokens/s, task quality, and for greedy whether the outputs were identical.",
                "Writes results.md, results.csv, results.json and PNG charts to --out; a rerun skips the finished cells.",
                "Without --target it runs on the trained demo world (models/demo/) with all of its drafters, each also adaptive.",
                "Exit code 3: some greedy speculative output differed from target-only output (a lossless bug)."})
final class BenchCommand implements Callable<Integer> {
    static final int OUTPUTS_DIFFER = 3;
    private static final int COST_REPEATS = 15;

    @Option(names = {"--target", "-m"}, description = "Target language model (GGUF); default: the demo world.") Path target;
    @Option(names = "--mmproj", description = "The target's vision tower + projector.") Path mmproj;
    @Option(names = "--draft", description = "Draft model: the 'language-only' drafter, or 'image-adapter' with --draft-mmproj.") Path draft;
    @Option(names = "--draft-mmproj", description = "The draft's image adapter.") Path draftMmproj;
    @Option(names = "--draft-ngram", description = "Also benchmark n-gram lookup drafting with n-grams up to N.") Integer draftNgram;
    @Option(names = "--draft-adaptive", description = "Also run each drafter with adaptive γ (up to each γ), as its own rows (always on for the demo world).") boolean adaptive;
    @Option(names = "--tasks", split = ",", defaultValue = "caption,qa,chat",
            description = "Tasks: caption, qa, chat (the demo world's validation scenes) or KIND=FILE.jsonl (as 'specula data' writes) (default: ${DEFAULT-VALUE}).")
    List<String> tasks;
    @Option(names = "--gamma", split = ",", defaultValue = "1,2,3,4,5,6", description = "Draft lengths γ (default: ${DEFAULT-VALUE}).") List<Integer> gammas;
    @Option(names = "--temp", split = ",", defaultValue = "0", description = "Temperatures; 0 = greedy, >0 = pure temperature sampling (default: ${DEFAULT-VALUE}).") List<Double> temps;
    @Option(names = "--samples", defaultValue = "20", description = "Samples per task (default: ${DEFAULT-VALUE}).") int samples;
    @Option(names = {"-n", "--max-tokens"}, defaultValue = "96", description = "Tokens per answer at most (default: ${DEFAULT-VALUE}).") int maxTokens;
    @Option(names = {"-o", "--out"}, defaultValue = "bench-results", description = "Output folder (default: ${DEFAULT-VALUE}).") Path out;
    @Option(names = "--warm-up", defaultValue = "3", description = "Seconds each engine generates, and then runs passes, before anything is timed, so that the JIT has compiled them (default: ${DEFAULT-VALUE}).") double warmUp;
    @Option(names = "--chat", description = "Use the LLaVA-1.5 chat template (default: the demo world's raw format: image, question, newline).") boolean chat;
    @Mixin SharedOptions.Threads threads;
    @Option(names = {"-c", "--ctx-size"}, defaultValue = "1024", description = "Context size (default: ${DEFAULT-VALUE}).") int ctxSize;
    @Mixin SharedOptions.Kernels kernels;
    @Mixin SharedOptions.ProgressBars bars;
    @Mixin SharedOptions.Verbose verbose;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        kernels.select();
        int nThreads = threads.count();
        if (samples < 1) throw new IllegalArgumentException("--samples must be >= 1");
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be >= 1");
        for (int g : gammas) if (g < 1) throw new IllegalArgumentException("--gamma values must be >= 1, got " + g);
        for (double t : temps) if (!(t >= 0)) throw new IllegalArgumentException("--temp values must be >= 0, got " + t);

        List<DrafterSpec> drafters = new ArrayList<>();
        boolean demo = target == null;
        if (demo) {
            if (mmproj != null || draft != null || draftMmproj != null) {
                throw new IllegalArgumentException("give --target too, or no model flags for the demo world");
            }
            DemoModels m = DemoModels.locate();
            if (!m.present()) {
                throw new IllegalArgumentException("the trained demo models are not in " + m.target().getParent()
                        + " (target.gguf, target-mmproj.gguf, draft.gguf, adapter.gguf, adapter-mmproj.gguf); give --target and --mmproj with a drafter instead");
            }
            target = m.target();
            mmproj = m.mmproj();
            drafters.add(DrafterSpec.model("language-only", m.draft(), null));
            drafters.add(DrafterSpec.model("image-adapter", m.adapterDraft(), m.adapterMmproj()));
            drafters.add(DrafterSpec.ngram(draftNgram != null ? draftNgram : 3));
            adaptive = true;
        } else {
            if (draftMmproj != null && draft == null) throw new IllegalArgumentException("--draft-mmproj needs --draft");
            if (draftMmproj != null && mmproj == null) throw new IllegalArgumentException("--draft-mmproj needs the target's --mmproj");
            if (draft != null) drafters.add(DrafterSpec.model(draftMmproj != null ? "image-adapter" : "language-only", draft, draftMmproj));
            if (draftNgram != null) drafters.add(DrafterSpec.ngram(draftNgram));
            if (drafters.isEmpty()) throw new IllegalArgumentException("no drafter: give --draft and/or --draft-ngram");
        }
        if (adaptive) {
            List<DrafterSpec> both = new ArrayList<>();
            for (DrafterSpec d : drafters) {
                both.add(d);
                both.add(d.asAdaptive());
            }
            drafters = both;
        }

        List<BenchTask> taskSets = taskSets();
        String models = Fingerprint.of(target, mmproj);
        var plan = new BenchRun.Plan(taskSets, drafters, gammas, temps, maxTokens, models, warmUp);
        CellStore store = CellStore.open(out);
        long toRun = plan.generationsToRun(store);
        System.err.printf(Locale.ROOT, "bench: %d tasks × %d drafters × %d γ × %d temperatures = %d cells; %d to run (%d generations of up to %d tokens), the rest done in %s%n",
                taskSets.size(), drafters.size(), gammas.size(), temps.size(), plan.cells(), toRun / 2 / samples, toRun, maxTokens, out);

        EngineConfig base = EngineConfig.of(target).withMmproj(mmproj).withThreads(nThreads).withContextLength(ctxSize);
        BenchRun.Engines engines = new BenchRun.Engines() {
            @Override
            public Engine load(DrafterSpec d) throws IOException {
                return Engine.load(d.configure(base), null);
            }

            /**
             * Measured afresh in every run, after the warm-up, rather than taken from {@link CostCache}: the
             * prediction is only as good as these numbers, and they must come from this run's conditions.
             */
            @Override
            public Costs costs(Engine engine, DrafterSpec d, int maxGamma) throws InterruptedException {
                return engine.withModels((t, dm) -> CostMeter.measure(t, dm, maxGamma + 1, COST_REPEATS, warmUp));
            }
        };
        List<CellResult> cells;
        // On a terminal a bar with the time left; in a log (no terminal) one line per finished cell with the same estimate.
        boolean terminal = System.console() != null && System.console().isTerminal();
        long start = System.nanoTime();
        try (Progress bar = Progress.withEta("bench", bars.shown() && terminal && toRun > 0)) {
            long[] done = {0, 0};
            long cellsToRun = toRun / 2 / samples;
            cells = BenchRun.run(plan, store, engines, format(), new BenchRun.Observer() {
                @Override
                public void generated() {
                    bar.accept((double) ++done[0] / toRun);
                }

                @Override
                public void cell(CellResult r) {
                    done[1]++;
                    if (!bars.shown() || terminal) return;
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    System.err.printf(Locale.ROOT, "cell %d/%d: %s, %s, γ %d, T %s: τ %.2f, speedup %.2f (predicted %.2f)%s | %s elapsed, about %s left%n",
                            done[1], cellsToRun, r.task(), r.drafter(), r.gamma(), r.temperature(), r.tau(), r.speedup(),
                            r.predictedSpeedup(), r.allIdentical() ? "" : " OUTPUTS DIFFER", duration(elapsed),
                            duration(elapsed / done[0] * (toRun - done[0])));
                }
            });
        }
        String command = "specula " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        String machine = String.format(Locale.ROOT, "Machine: %d cores, %d threads, %s backend, Java %s.",
                Runtime.getRuntime().availableProcessors(), nThreads, Backend.describe(), Runtime.version());
        Report.write(out, cells, command, machine);
        List<Path> charts = Charts.write(out, cells);
        System.out.print(Report.summary(cells));
        System.out.printf("wrote %s, results.csv, results.json and %d charts in %s%n", out.resolve("results.md"), charts.size(), out);
        List<CellResult> bad = Report.mismatches(cells);
        for (CellResult c : bad) {
            System.err.printf(Locale.ROOT, "WARNING: greedy outputs differ: %s, %s, γ %d: %.0f%% identical (samples %s)%n",
                    c.task(), c.drafter(), c.gamma(), 100 * c.identicalFraction(), c.mismatched());
        }
        return bad.isEmpty() ? 0 : OUTPUTS_DIFFER;
    }

    private List<BenchTask> taskSets() throws IOException {
        List<BenchTask> out = new ArrayList<>();
        ImageLoader loader = new ImageLoader();
        int imageSize = -1;
        for (String spec : tasks) {
            int eq = spec.indexOf('=');
            Task kind = kind(eq < 0 ? spec : spec.substring(0, eq));
            if (eq >= 0) {
                Path file = Path.of(spec.substring(eq + 1));
                String stem = file.getFileName().toString().replaceFirst("\\.jsonl$", "");
                out.add(TaskSets.jsonl(kind.name().toLowerCase(Locale.ROOT) + ":" + stem, kind, file, samples, loader));
            } else {
                if (mmproj == null) throw new IllegalArgumentException("the built-in task " + spec + " shows pictures: it needs --mmproj");
                if (imageSize < 0) {
                    try (GgufFile f = GgufFile.open(mmproj)) {
                        imageSize = ClipConfig.from(f.metadata(), mmproj.toString()).imageSize();
                    }
                }
                out.add(TaskSets.demo(kind, DemoModels.WORLD_SEED, samples, imageSize));
            }
        }
        return out;
    }

    private static Task kind(String s) {
        try {
            return Task.parse(s.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown task '" + s + "': caption, qa, chat, or KIND=FILE.jsonl");
        }
    }

    private PromptFormat format() {
        if (chat) {
            return (s, sampling, n) -> new Request(List.of(s.image() != null ? Message.user(s.prompt(), s.image()) : Message.user(s.prompt())),
                    true, sampling, n, List.of(), 1, false, true, 0, null);
        }
        return (s, sampling, n) -> {
            if (s.image() != null) return dev.specula.train.WorldExamples.request(s.prompt(), s.image(), sampling, n);
            Message m = new Message(Message.Role.USER, List.of(new Message.Text(s.prompt() + "\n")));
            return new Request(List.of(m), false, sampling, n, List.of(), 1, false, true, 0, null);
        };
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

}
