package dev.specula.tensor;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParallelTest {

    @Test
    void rangesCoverEveryItemOnceWithBoundsAtMultiplesOfTheGrain() {
        try (Parallel pool = new Parallel(3)) {
            for (int n = 0; n < 300; n += 7) {
                for (int grain : new int[] {1, 4, 16}) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(n, 1));
                    int items = n, g = grain;
                    pool.forRange(n, grain, (s, e) -> {
                        assertThat(s % g == 0 && (e % g == 0 || e == items)).as("[%d, %d) grain %d", s, e, g).isTrue();
                        for (int i = s; i < e; i++) seen.incrementAndGet(i);
                    });
                    for (int i = 0; i < n; i++) assertThat(seen.get(i)).as("item %d of %d", i, n).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void survivesManyCallsSeparatedByPauses() throws InterruptedException {
        try (Parallel pool = new Parallel(2)) {
            long[] sum = new long[1];
            for (int round = 0; round < 2000; round++) {
                long[] parts = new long[64];
                pool.forRange(64, (s, e) -> {
                    for (int i = s; i < e; i++) parts[i] = i;
                });
                for (long p : parts) sum[0] += p;
                if (round % 500 == 0) Thread.sleep(5); // long enough for the worker to park
            }
            assertThat(sum[0]).isEqualTo(2000L * 63 * 64 / 2);
        }
    }

    @Test
    void rethrowsAWorkersFailureAndStaysUsable() {
        try (Parallel pool = new Parallel(2)) {
            assertThatThrownBy(() -> pool.forRange(100, (s, e) -> {
                if (e == 100) throw new IllegalStateException("boom");
            })).hasMessage("boom");
            int[] count = new int[100];
            pool.forRange(100, (s, e) -> {
                for (int i = s; i < e; i++) count[i]++;
            });
            assertThat(count).containsOnly(1);
        }
    }
}
