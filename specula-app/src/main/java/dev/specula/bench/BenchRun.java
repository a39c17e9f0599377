package dev.specula.bench;

import dev.specula.engine.Engine;
import dev.specula.engine.Listener;
import dev.specula.engine.Request;
import dev.specula.engine.Result;
import dev.specula.sampling.SamplerConfig;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The grid: for each drafter (one loaded engine, shared by its fixed and adaptive forms), temperature,
 * task and γ, every sample is generated target-only and then speculatively, back to back, so that both
 * sides see the same machine load. Cells already in the store are skipped; each finished cell is stored
 * at once, so an interrupted run resumes where it stopped.
 */
public final class BenchRun {

    /**
     * @param models        fingerprint of the target's files ({@link Fingerprint}); with the drafter's, part of every cell's key
     * @param warmUpSeconds how long each engine generates before anything is timed
     */
    public record Plan(List<BenchTask> tasks, List<DrafterSpec> drafters, List<Integer> gammas, List<Double> temperatures,
                       int maxTokens, String models, double warmUpSeconds) {

        public Plan {
            tasks = List.copyOf(tasks);
            drafters = List.copyOf(drafters);
            gammas = List.copyOf(gammas);
            temperatures = List.copyOf(temperatures);
        }

        public int cells() {
            return tasks.size() * drafters.size() * gammas.size() * temperatures.size();
        }

        public String key(BenchTask t, DrafterSpec d, int gamma, double temperature) {
            return CellResult.key(t.name(), d.label(), gamma, temperature, t.samples().size(), maxTokens, models(d));
        }

        /** The target's fingerprint and the drafter's files', as stored in the drafter's cells. */
        public String models(DrafterSpec d) {
            String draft = Fingerprint.of(d.draft(), d.draftMmproj());
            return draft.isEmpty() ? models : models + "|" + draft;
        }

        /** Generations (target-only and speculative) the cells not yet in {@code store} will run. */
        public long generationsToRun(CellStore store) {
            long n = 0;
            for (BenchTask t : tasks)
                for (DrafterSpec d : drafters)
                    for (int g : gammas)
                        for (double temp : temperatures)
                            if (!store.has(key(t, d, g, temp))) n += 2L * t.samples().size();
            return n;
        }
    }

    /** Loads one engine for a drafter, and measures its costs for prediction and adaptive γ. */
    public interface Engines {
        Engine load(DrafterSpec drafter) throws IOException;

        Costs costs(Engine engine, DrafterSpec drafter, int maxGamma) throws IOException, InterruptedException;
    }

    /** Told of progress: each generation, and each finished cell. */
    public interface Observer {
        void generated();

        void cell(CellResult result);
    }

    private BenchRun() {}

    /** Runs the cells missing from {@code store} and returns all of the plan's cells, in plan order. */
    public static List<CellResult> run(Plan plan, CellStore store, Engines engines, PromptFormat format, Observer observer)
            throws IOException, InterruptedException {
        int maxGamma = plan.gammas().stream().mapToInt(Integer::intValue).max().orElse(1);
        Map<DrafterSpec, List<DrafterSpec>> groups = new LinkedHashMap<>();
        for (DrafterSpec d : plan.drafters()) {
            DrafterSpec base = new DrafterSpec(d.name(), d.draft(), d.draftMmproj(), d.ngram(), false);
            groups.computeIfAbsent(base, k -> new ArrayList<>()).add(d);
        }
        for (var group : groups.entrySet()) {
            if (!missing(plan, store, group.getValue())) continue;
            try (Engine engine = engines.load(group.getKey())) {
                if (maxGamma > engine.maxGamma()) {
                    throw new IllegalArgumentException("γ " + maxGamma + " is more than this target verifies losslessly (γ ≤ "
                            + engine.maxGamma() + ")");
                }
                warmUp(engine, plan, format, maxGamma); // before the costs too: they are timed on compiled code
                Costs costs = engines.costs(engine, group.getKey(), maxGamma);
                engine.setGammaCosts(costs.r(), costs.draftStep());
                for (double temp : plan.temperatures())
                    for (BenchTask task : plan.tasks())
                        for (int gamma : plan.gammas())
                            for (DrafterSpec d : group.getValue()) {
                                if (store.has(plan.key(task, d, gamma, temp))) continue;
                                CellResult r = cell(engine, costs, format, plan, task, d, gamma, temp, observer);
                                store.add(r);
                                observer.cell(r);
                            }
            }
        }
        List<CellResult> all = new ArrayList<>();
        for (double temp : plan.temperatures())
            for (BenchTask task : plan.tasks())
                for (DrafterSpec d : plan.drafters())
                    for (int gamma : plan.gammas()) all.add(store.get(plan.key(task, d, gamma, temp)));
        return all;
    }

    private static boolean missing(Plan plan, CellStore store, List<DrafterSpec> drafters) {
        for (BenchTask t : plan.tasks())
            for (DrafterSpec d : drafters)
                for (int g : plan.gammas())
                    for (double temp : plan.temperatures())
                        if (!store.has(plan.key(t, d, g, temp))) return true;
        return false;
    }

    /**
     * Generations each way, with the largest γ, for a few seconds before anything is timed: until the JIT
     * has compiled the loop (and the Vector API kernels under it), a tiny model's timings measure the compiler.
     */
    private static void warmUp(Engine engine, Plan plan, PromptFormat format, int maxGamma) throws InterruptedException {
        long until = System.nanoTime() + (long) (plan.warmUpSeconds() * 1e9);
        List<Sample> samples = plan.tasks().getFirst().samples();
        for (int i = 0; i < 2 || (System.nanoTime() < until && i < 200); i++) {
            Request r = format.request(samples.get(i % samples.size()), SamplerConfig.greedy(), 16);
            engine.generate(r.withUseDraft(false), Listener.NONE);
            engine.generate(r.withGamma(maxGamma, false), Listener.NONE);
        }
    }

    static CellResult cell(Engine engine, Costs costs, PromptFormat format, Plan plan, BenchTask task, DrafterSpec drafter,
                           int gamma, double temperature, Observer observer) throws InterruptedException {
        Pool plain = new Pool(), spec = new Pool();
        int identical = 0;
        List<String> mismatched = new ArrayList<>();
        List<Double> decodeRatios = new ArrayList<>(), wallRatios = new ArrayList<>();
        List<Sample> samples = task.samples();
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            // Pure temperature sampling (no top-k/p), the same seed on both sides.
            SamplerConfig sampling = temperature <= 0 ? SamplerConfig.greedy()
                    : new SamplerConfig((float) temperature, 0, 1f, 0f, 1000L + i);
            Request base = format.request(s, sampling, plan.maxTokens());
            Result p = engine.generate(base.withUseDraft(false), Listener.NONE);
            observer.generated();
            Result r = engine.generate(base.withUseDraft(true).withGamma(gamma, drafter.adaptive()), Listener.NONE);
            observer.generated();
            plain.add(p, task.score(s, p.text()));
            spec.add(r, task.score(s, r.text()));
            addRatio(decodeRatios, r.timings().decodeTokensPerSecond(), p.timings().decodeTokensPerSecond());
            addRatio(wallRatios, r.tokens().length / r.timings().wallMillis(), p.tokens().length / p.timings().wallMillis());
            if (Arrays.equals(p.tokens(), r.tokens())) identical++;
            else mismatched.add(s.id());
        }
        int n = samples.size();
        boolean greedy = temperature <= 0;
        double tau = spec.tau();
        double meanGamma = spec.meanGamma();
        double paramRatio = drafter.ngram() > 0 ? 0 : spec.paramRatio;
        return new CellResult(task.name(), task.kind().name().toLowerCase(java.util.Locale.ROOT), drafter.label(),
                drafter.adaptive(), gamma, temperature, n, plan.maxTokens(), plan.models(drafter),
                tau, spec.acceptanceRate(), spec.acceptanceByPosition(), meanGamma, paramRatio,
                tau / (1 + paramRatio * meanGamma), costs.draftStep(),
                median(decodeRatios), median(wallRatios),
                costs.predictedSpeedup(tau, meanGamma), costs.r(),
                plain.decodeTokensPerSecond(), spec.decodeTokensPerSecond(), plain.wallMillis, spec.wallMillis, plain.tokens, spec.tokens,
                task.metric(), plain.quality / n, spec.quality / n,
                greedy ? (double) identical / n : null, greedy ? List.copyOf(mismatched) : List.of());
    }

    /** Only samples where both sides took measurable time (an answer that ends at once has no decode time). */
    private static void addRatio(List<Double> ratios, double spec, double plain) {
        if (spec > 0 && plain > 0 && Double.isFinite(spec) && Double.isFinite(plain)) ratios.add(spec / plain);
    }

    /**
     * Speedups are medians over the samples of each sample's own ratio: on a shared machine a sample that
     * other work slowed down skews a pooled total, but not the median.
     */
    static double median(List<Double> xs) {
        if (xs.isEmpty()) return 0;
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
