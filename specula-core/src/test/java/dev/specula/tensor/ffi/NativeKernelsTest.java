package dev.specula.tensor.ffi;

import dev.specula.tensor.Backend;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The native library's level: what it reports and how the property caps it (the products: NativeQ4_0Test,
 * NativeQ8_0Test, NativeQ4KTest). Skipped, with the reason, where the library was not built or does not load.
 */
class NativeKernelsTest {

    @BeforeAll
    static void requireLibrary() {
        Assumptions.assumeTrue(NativeKernels.available(),
                "skipped: native kernels unavailable: " + NativeKernels.problem());
    }

    @Test
    void theLevelPropertyCapsTheLevel() {
        String before = System.getProperty(NativeKernels.LEVEL_PROPERTY);
        try {
            String[] names = {"scalar", "avx2", "avx-vnni", "avx512"};
            for (int level = NativeKernels.SCALAR; level <= NativeKernels.AVX512_VNNI; level++) {
                System.setProperty(NativeKernels.LEVEL_PROPERTY, names[level]);
                assertThat(NativeKernels.requestedLevel()).isEqualTo(level);
            }
            System.setProperty(NativeKernels.LEVEL_PROPERTY, "sse9");
            org.assertj.core.api.Assertions.assertThatThrownBy(NativeKernels::requestedLevel)
                    .hasMessageContaining("expected scalar, avx2, avx-vnni or avx512");
        } finally {
            if (before == null) System.clearProperty(NativeKernels.LEVEL_PROPERTY);
            else System.setProperty(NativeKernels.LEVEL_PROPERTY, before);
        }
    }

    @Test
    void reportsTheLevelItRunsAt() {
        assertThat(NativeKernels.level()).isBetween(NativeKernels.SCALAR, NativeKernels.AVX512_VNNI);
        assertThat(NativeKernels.level()).isLessThanOrEqualTo(NativeKernels.cpuLevel());
        assertThat(Backend.nativeStatus()).startsWith("available, ");
    }
}
