package dev.specula.bench;

import dev.specula.tensor.Backend;
import dev.specula.tensor.GgmlType;
import dev.specula.tensor.Matrix;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.infra.Layouts;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Times {@link Matrix#multiply} on Llama-2-7B shapes and a streaming read of memory. Each matrix comes
 * in enough copies (at least 256 MB together, 8x the L3) that every product streams its weights from DRAM, as in
 * decode. Prints the median of several runs per case, and a whole-model estimate from the seven
 * matrices of a 7B layer.
 *
 * <pre>
 * ./build.sh -q -DskipTests package -pl specula-bench -am
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -cp specula-bench/target/specula-benchmarks.jar dev.specula.bench.KernelBench [--threads 2]
 *   [--types q4_0,q8_0,q4_k] [--backends java,native] [--batches 1,2,5,8,16,64] [--runs 5] [--bandwidth-only]
 * </pre>
 * (The streaming read is specula-app's {@link MemoryBandwidth}, which {@code bench-perf} reports too.)
 */
public final class KernelBench {
    private KernelBench() {}

    /** rows x cols of a Llama-2-7B layer's matrices: q, k, v, o (4096x4096), gate, up (11008x4096), down (4096x11008). */
    private static final int[][] SHAPES = {{4096, 4096}, {11008, 4096}, {4096, 11008}};
    private static final int[] PER_LAYER = {4, 2, 1};
    private static final int LAYERS = 32;
    private static final long COPY_BYTES = 256L << 20;

    public static void main(String[] args) {
        int threads = 2, runs = 5;
        List<String> types = List.of("q4_0", "q8_0");
        List<String> backends = Backend.nativeStatus().startsWith("available") ? List.of("java", "native") : List.of("java");
        int[] batches = {1, 2, 5, 8, 16, 64};
        boolean bandwidthOnly = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--types" -> types = List.of(args[++i].split(","));
                case "--backends" -> backends = List.of(args[++i].split(","));
                case "--batches" -> batches = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--bandwidth-only" -> bandwidthOnly = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "threads %d, %s, native: %s%n", threads,
                FloatVector.SPECIES_PREFERRED, Backend.nativeStatus());
        bandwidth(1, runs);
        if (threads > 1) bandwidth(threads, runs);
        if (bandwidthOnly) return;
        try (Parallel pool = new Parallel(threads)) {
            for (String typeName : types) {
                GgmlType type = GgmlType.parse(typeName);
                for (String backendName : backends) {
                    Backend.select(Backend.parse(backendName));
                    double[][] seconds = new double[SHAPES.length][batches.length];
                    for (int s = 0; s < SHAPES.length; s++) {
                        seconds[s] = shape(pool, type, SHAPES[s][0], SHAPES[s][1], batches, runs);
                    }
                    summary(type, backendName, batches, seconds);
                }
            }
        }
        Backend.select(Backend.JAVA);
    }

    private static double[] shape(Parallel pool, GgmlType type, int rows, int cols, int[] batches, int runs) {
        long bytes = type.byteSize((long) rows * cols);
        int copies = (int) Math.max(2, (COPY_BYTES + bytes - 1) / bytes);
        Arena arena = Arena.ofShared();
        Matrix[] ms = new Matrix[copies];
        SplittableRandom rnd = new SplittableRandom(42);
        for (int c = 0; c < copies; c++) ms[c] = new Matrix("w" + c, TensorFormat.of(type), random(arena, type, rows, cols, rnd), rows, cols);
        // The batch sizes take turns within each run, so that a change in the neighbours' load hits them alike.
        float[][] xs = new float[batches.length][];
        float[][] outs = new float[batches.length][];
        int[] reps = new int[batches.length];
        for (int bi = 0; bi < batches.length; bi++) {
            int batch = batches[bi];
            xs[bi] = new float[batch * cols];
            for (int i = 0; i < xs[bi].length; i++) xs[bi][i] = (float) rnd.nextDouble(-1, 1);
            outs[bi] = new float[batch * rows];
            // at least one pass over the copies and ~0.2 s per run; this first pass also compiles
            long t0 = System.nanoTime();
            while (reps[bi] < copies || System.nanoTime() - t0 < 200_000_000L) {
                ms[reps[bi]++ % copies].multiply(pool, xs[bi], batch, outs[bi]);
            }
        }
        double[][] times = new double[batches.length][runs];
        for (int r = 0; r < runs; r++) {
            for (int bi = 0; bi < batches.length; bi++) {
                long start = System.nanoTime();
                for (int i = 0; i < reps[bi]; i++) ms[i % copies].multiply(pool, xs[bi], batches[bi], outs[bi]);
                times[bi][r] = (System.nanoTime() - start) / 1e9 / reps[bi];
            }
        }
        double[] result = new double[batches.length];
        for (int bi = 0; bi < batches.length; bi++) {
            double[] t = times[bi];
            Arrays.sort(t);
            result[bi] = t[runs / 2];
            System.out.printf(Locale.ROOT, "%-5s %-6s %5dx%-5d batch %3d: %8.3f ms  %6.1f GB/s  %6.1f GFLOP/s  (min %.3f max %.3f ms)%n",
                    type, Backend.selected().name().toLowerCase(Locale.ROOT), rows, cols, batches[bi], result[bi] * 1e3,
                    bytes / result[bi] / 1e9, 2.0 * rows * cols * batches[bi] / result[bi] / 1e9, t[0] * 1e3, t[runs - 1] * 1e3);
        }
        arena.close();
        return result;
    }

    private static MemorySegment random(Arena arena, GgmlType type, int rows, int cols, SplittableRandom rnd) {
        long blocks = (long) rows * cols / type.blockSize();
        MemorySegment seg = arena.allocate(blocks * type.typeSize(), 64);
        for (long o = 0; o + 8 <= seg.byteSize(); o += 8) seg.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, o, rnd.nextLong());
        for (long b = 0; b < blocks; b++) {
            seg.set(Layouts.SHORT, b * type.typeSize(), Float.floatToFloat16((float) rnd.nextDouble(0.001, 0.02)));
            // Q4_K: dmin too (random bits could be NaN or huge)
            if (type == GgmlType.Q4_K) seg.set(Layouts.SHORT, b * type.typeSize() + 2, Float.floatToFloat16((float) rnd.nextDouble(0.001, 0.02)));
        }
        return seg;
    }

    /** The 7B estimate: 32 layers of the seven matrices (output and attention left out). */
    private static void summary(GgmlType type, String backend, int[] batches, double[][] seconds) {
        double[] perToken = new double[batches.length];
        for (int bi = 0; bi < batches.length; bi++) {
            double layer = 0;
            for (int s = 0; s < SHAPES.length; s++) layer += PER_LAYER[s] * seconds[s][bi];
            perToken[bi] = LAYERS * layer;
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "7B layers, %s, %s:", type, backend));
        for (int bi = 0; bi < batches.length; bi++) {
            sb.append(String.format(Locale.ROOT, "  batch %d %.1f tok/s", batches[bi], batches[bi] / perToken[bi]));
            if (batches[0] == 1 && bi > 0) sb.append(String.format(Locale.ROOT, " (r=%.2f)", perToken[bi] / perToken[0]));
        }
        System.out.println(sb);
    }

    private static void bandwidth(int threads, int runs) {
        MemoryBandwidth.Result r = MemoryBandwidth.measure(threads, 2L << 30, runs);
        System.out.printf(Locale.ROOT, "streaming read of 2 GiB, %d thread(s): %.1f GB/s median (%.1f..%.1f)%n",
                threads, r.medianGbs(), r.minGbs(), r.maxGbs());
    }
}
