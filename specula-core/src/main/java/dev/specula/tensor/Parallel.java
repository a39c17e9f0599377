package dev.specula.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool that splits a range of work items across a fixed set of threads, the caller
 * being one of them. A call allocates nothing and takes no lock: workers spin briefly on a
 * generation counter, then park.
 */
public final class Parallel implements AutoCloseable {

    /** Work over items {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    private static final int SPINS = 20_000;

    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    private volatile RangeTask task;
    private volatile int items;
    private volatile Throwable failure;

    public Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1");
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int slot = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("specula-worker-" + slot).start(() -> work(slot));
        }
    }

    public int threads() {
        return workers.length + 1;
    }

    /** Runs {@code task} over {@code [0, n)} split into one contiguous chunk per thread; returns when all are done. */
    public void forRange(int n, RangeTask task) {
        if (workers.length == 0 || n < 2) {
            task.run(0, n);
            return;
        }
        this.task = task;
        this.items = n;
        this.failure = null;
        pending.set(workers.length);
        generation++;
        for (Thread w : workers) LockSupport.unpark(w);
        runSlot(0, task, n);
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

    /** Like {@link #forRange}, with chunks aligned to multiples of {@code grain} (e.g. a tile height). */
    public void forRange(int n, int grain, RangeTask task) {
        int groups = (n + grain - 1) / grain;
        forRange(groups, (s, e) -> task.run(s * grain, Math.min(n, e * grain)));
    }

    private void runSlot(int slot, RangeTask t, int n) {
        int threads = workers.length + 1;
        int start = (int) ((long) n * slot / threads);
        int end = (int) ((long) n * (slot + 1) / threads);
        if (start < end) t.run(start, end);
    }

    private void work(int slot) {
        long seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen) {
                if (closed) return;
                if (++spins < SPINS) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            seen = generation;
            try {
                runSlot(slot, task, items);
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
