package dev.specula.bench.jmh;

import dev.specula.tensor.Backend;
import dev.specula.tensor.GgmlType;
import dev.specula.tensor.Matrix;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.TensorFormat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One weight matrix times a small batch of inputs, per format, backend and batch size: the kernel of a
 * decode step (batch 1) and of speculative verification (batch γ+1). Several copies of the matrix rotate
 * so that every product streams its weights from memory, as in a real model.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatrixBenchmark {

    @Param({"Q4_0", "Q8_0", "Q4_K", "Q6_K", "F16"})
    String type;

    @Param({"1", "5"})
    int batch;

    @Param({"java"})
    String backend;

    @Param({"4096"})
    int rows;

    @Param({"4096"})
    int cols;

    @Param({"2"})
    int threads;

    private static final long CACHE_DEFEATING_BYTES = 256L << 20;

    private Arena arena;
    private Parallel pool;
    private Matrix[] copies;
    private float[] x;
    private float[] out;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Backend.select(Backend.parse(backend));
        GgmlType t = GgmlType.parse(type);
        TensorFormat f = TensorFormat.of(t);
        long bytes = t.byteSize((long) rows * cols);
        int n = (int) Math.max(1, CACHE_DEFEATING_BYTES / bytes);
        arena = Arena.ofShared();
        pool = new Parallel(threads);
        SplittableRandom rnd = new SplittableRandom(1);
        float[] row = new float[cols];
        copies = new Matrix[n];
        for (int c = 0; c < n; c++) {
            MemorySegment seg = arena.allocate(bytes, 64);
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < cols; i++) row[i] = (float) rnd.nextGaussian() * 0.02f;
                f.quantize(row, 0, cols, seg, t.byteSize((long) r * cols));
            }
            copies[c] = new Matrix("w" + c, f, seg, rows, cols);
        }
        x = new float[batch * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        out = new float[batch * rows];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public float multiply() {
        Matrix m = copies[next];
        next = next + 1 == copies.length ? 0 : next + 1;
        m.multiply(pool, x, batch, out);
        return out[0];
    }
}
