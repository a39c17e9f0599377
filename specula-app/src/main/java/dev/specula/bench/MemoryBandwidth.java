package dev.specula.bench;

import dev.specula.tensor.Parallel;
import dev.specula.tensor.infra.HugePages;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The machine's streaming-read bandwidth as this JVM sees it: Vector API loads over an off-heap buffer
 * far larger than the caches, split into contiguous parts per thread. Decode speed is judged against it.
 */
public final class MemoryBandwidth {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private MemoryBandwidth() {}

    /** Median, minimum and maximum GB/s over {@code runs} timed passes (after one warm-up pass). */
    public record Result(int threads, long bytes, double medianGbs, double minGbs, double maxGbs) {}

    public static Result measure(int threads, long bytes, int runs) {
        try (Arena arena = Arena.ofShared(); Parallel pool = new Parallel(threads)) {
            // on huge pages where the OS has them, like the repacked weights the native kernels stream
            MemorySegment seg = HugePages.allocate(bytes, arena);
            seg.fill((byte) 1);
            int parts = threads * 64;
            long part = bytes / parts / (4L * S.vectorByteSize()) * (4L * S.vectorByteSize());
            double[] sink = new double[parts];
            double[] times = new double[runs + 1];
            for (int r = 0; r <= runs; r++) {
                long start = System.nanoTime();
                pool.forRange(parts, (a, b) -> {
                    for (int p = a; p < b; p++) sink[p] = sum(seg, p * part, part);
                });
                times[r] = (System.nanoTime() - start) / 1e9;
            }
            double[] t = Arrays.copyOfRange(times, 1, runs + 1);
            Arrays.sort(t);
            long read = part * parts;
            if (Arrays.stream(sink).sum() == 42) System.out.print(""); // keep the sums alive
            return new Result(threads, read, read / t[runs / 2] / 1e9, read / t[runs - 1] / 1e9, read / t[0] / 1e9);
        }
    }

    private static double sum(MemorySegment seg, long from, long length) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        int step = S.vectorByteSize();
        for (long o = from, end = from + length; o < end; o += 4L * step) {
            a0 = a0.add(FloatVector.fromMemorySegment(S, seg, o, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(S, seg, o + step, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(S, seg, o + 2L * step, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(S, seg, o + 3L * step, ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }
}
