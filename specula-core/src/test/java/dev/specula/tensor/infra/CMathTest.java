package dev.specula.tensor.infra;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RoPE's sine and cosine come from the C library (as ggml's do) and stay within one unit in the last place of the
 * correctly rounded values, over every rotation angle of 4096 positions and 64 pairs.
 */
class CMathTest {

    @Test
    void theCLibraryIsUsedOnLinux() {
        if (System.getProperty("os.name").startsWith("Linux")) assertThat(CMath.fromCLibrary()).isTrue();
    }

    @Test
    void withinOneUlpOfTheCorrectlyRoundedValues() {
        float scale = (float) Math.pow(10000, -2.0 / 128);
        int differ = 0;
        for (int pos = 0; pos < 4096; pos++) {
            float angle = pos;
            for (int i = 0; i < 64; i++, angle *= scale) {
                float s = CMath.sin(angle), c = CMath.cos(angle);
                assertThat(Math.abs(s - (float) Math.sin(angle))).as("sin %s", angle).isLessThanOrEqualTo(Math.ulp((float) Math.sin(angle)));
                assertThat(Math.abs(c - (float) Math.cos(angle))).as("cos %s", angle).isLessThanOrEqualTo(Math.ulp((float) Math.cos(angle)));
                if (s != (float) Math.sin(angle) || c != (float) Math.cos(angle)) differ++;
            }
        }
        System.out.println("CMathTest: " + differ + " of " + 4096 * 64 + " angles differ from Java's in the last bit");
    }
}
