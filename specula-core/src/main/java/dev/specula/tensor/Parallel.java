package dev.specula.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool that splits a range of work items across a fixed set of threads, the caller being
 * one of them. The range is cut into a few chunks per thread that threads claim with an atomic counter,
 * so a thread that the shared machine slows down holds up no more than one chunk.
 *
 * <p>A call allocates nothing and takes no lock: idle workers spin on a generation counter for a while,
 * then park, and the caller unparks only workers that say they are parked (unparking takes a mutex).
 * One caller at a time: {@code forRange} is not reentrant and not for concurrent callers.
 */
public final class Parallel implements AutoCloseable {

    /** Work over items {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    /** About half a millisecond of spinning before a worker parks, longer than the gaps between products in decode. */
    private static final int SPINS = 1 << 13;
    private static final int CHUNKS_PER_THREAD = 4;

    private final Thread[] workers;
    /** 1 while worker i is parked or about to park. */
    private final AtomicIntegerArray parked;
    private final AtomicInteger nextChunk = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    // Plain fields published by the volatile write of generation.
    private RangeTask task;
    private int items;
    private int grain;
    private int chunks;
    private volatile Throwable failure;

    public Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1");
        workers = new Thread[threads - 1];
        parked = new AtomicIntegerArray(workers.length);
        for (int i = 0; i < workers.length; i++) {
            int slot = i;
            workers[i] = Thread.ofPlatform().daemon().name("specula-worker-" + (i + 1)).start(() -> work(slot));
        }
    }

    public int threads() {
        return workers.length + 1;
    }

    /** Runs {@code task} over disjoint ranges that cover {@code [0, n)}; returns when all are done. */
    public void forRange(int n, RangeTask task) {
        forRange(n, 1, task);
    }

    /** Like {@link #forRange(int, RangeTask)}, with range bounds at multiples of {@code grain} (or n), e.g. a tile height. */
    public void forRange(int n, int grain, RangeTask task) {
        int groups = (n + grain - 1) / grain;
        if (workers.length == 0 || groups < 2) {
            if (n > 0) task.run(0, n);
            return;
        }
        this.task = task;
        this.items = n;
        this.grain = grain;
        this.chunks = Math.min(groups, threads() * CHUNKS_PER_THREAD);
        this.failure = null;
        nextChunk.set(0);
        pending.set(workers.length);
        generation++;
        for (int i = 0; i < workers.length; i++) {
            if (parked.get(i) != 0) LockSupport.unpark(workers[i]);
        }
        try {
            runChunks();
        } catch (Throwable t) {
            failure = t;
        }
        int spins = 0;
        while (pending.get() != 0) {
            if (++spins < SPINS) Thread.onSpinWait();
            else Thread.yield();
        }
        this.task = null;
        Throwable f = failure;
        if (f != null) {
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error e) throw e;
            throw new RuntimeException(f);
        }
    }

    private void runChunks() {
        RangeTask t = task;
        int n = items, g = grain, c = chunks;
        int groups = (n + g - 1) / g;
        for (int k; (k = nextChunk.getAndIncrement()) < c; ) {
            int start = (int) ((long) groups * k / c) * g;
            int end = Math.min(n, (int) ((long) groups * (k + 1) / c) * g);
            if (start < end) t.run(start, end);
        }
    }

    private void work(int slot) {
        long seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen) {
                if (closed) return;
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    parked.set(slot, 1);
                    // Re-check after raising the flag: either the caller sees the flag, or we see its generation.
                    if (generation == seen && !closed) LockSupport.park(this);
                    parked.set(slot, 0);
                    spins = 0;
                }
            }
            seen = generation;
            try {
                runChunks();
            } catch (Throwable t) {
                failure = t;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
