package dev.specula.tensor.infra;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;

class HugePagesTest {

    @Test
    void givesWritableMemoryOfTheSizeAskedForLargeAndSmall() {
        for (long size : new long[] {4096, (6L << 20) + 12345}) {
            MemorySegment m = HugePages.allocate(size);
            assertThat(m.byteSize()).isEqualTo(size);
            assertThat(m.address() % 64).isZero();
            for (long o = 0; o + 8 <= size; o += 4096) m.set(ValueLayout.JAVA_LONG_UNALIGNED, o, o * 31);
            m.set(ValueLayout.JAVA_BYTE, size - 1, (byte) 7);
            for (long o = 0; o + 8 <= size; o += 4096) assertThat(m.get(ValueLayout.JAVA_LONG_UNALIGNED, o)).isEqualTo(o * 31);
            assertThat(m.get(ValueLayout.JAVA_BYTE, size - 1)).isEqualTo((byte) 7);
        }
    }
}
