package dev.specula.tensor.infra;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class LibmTest {
    private static final float THETA_SCALE = (float) Math.pow(10000, -2.0 / 32);

    /** The arguments that matter: RoPE angles of 4096 positions (head size 32, base 10^4), softmax exponents, random floats. */
    private static float argument(Random rnd, int i) {
        if (i < 4096 * 16) {
            float theta = i / 16;
            for (int j = 0; j < i % 16; j++) theta *= THETA_SCALE;
            return theta;
        }
        return switch (i % 3) {
            case 0 -> -rnd.nextFloat() * 40f;
            case 1 -> (float) (rnd.nextGaussian() * 200);
            default -> Float.intBitsToFloat(rnd.nextInt());
        };
    }

    @Test
    void agreesWithTheSystemGlibcBitForBit() throws Throwable {
        MethodHandle expf = glibc("expf"), sinf = glibc("sinf"), cosf = glibc("cosf");
        Random rnd = new Random(3);
        int javaDiffers = 0;
        for (int i = 0; i < 200_000; i++) {
            float x = argument(rnd, i);
            if (!Float.isFinite(x)) continue;
            float e = (float) expf.invokeExact(x), s = (float) sinf.invokeExact(x), c = (float) cosf.invokeExact(x);
            assertThat(Libm.exp(x)).as("expf(%s)", x).isEqualTo(e);
            assertThat(Libm.sin(x)).as("sinf(%s)", x).isEqualTo(s);
            assertThat(Libm.cos(x)).as("cosf(%s)", x).isEqualTo(c);
            if (Math.abs(x) < 1e4f && (float) Math.sin(x) != s) javaDiffers++;
        }
        // what the class is for: the correctly rounded values are not glibc's everywhere
        assertThat(javaDiffers).isPositive();
    }

    @Test
    void staysWithinOneUnitOfTheCorrectlyRoundedValues() {
        Random rnd = new Random(4);
        for (int i = 0; i < 300_000; i++) {
            float x = argument(rnd, i);
            if (!Float.isFinite(x) || Math.abs(x) > 1e5f) continue;
            assertThat(ulps(Libm.exp(x), (float) Math.exp(x))).as("exp(%s)", x).isLessThanOrEqualTo(1);
            assertThat(ulps(Libm.sin(x), (float) Math.sin(x))).as("sin(%s)", x).isLessThanOrEqualTo(1);
            assertThat(ulps(Libm.cos(x), (float) Math.cos(x))).as("cos(%s)", x).isLessThanOrEqualTo(1);
        }
        assertThat(Libm.exp(Float.NEGATIVE_INFINITY)).isZero();
        assertThat(Libm.exp(-200f)).isZero();
        assertThat(Libm.exp(100f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Libm.sin(Float.NaN)).isNaN();
        assertThat(Libm.cos(0f)).isEqualTo(1f);
    }

    /** Units in the last place between two floats of one sign (or both zero). */
    private static int ulps(float a, float b) {
        return Math.abs(Float.floatToIntBits(a) - Float.floatToIntBits(b));
    }

    /** The named libm function of this process, or the test skipped where it is not glibc's on x86-64 Linux. */
    private static MethodHandle glibc(String name) {
        Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
                "glibc's float functions are checked on x86-64 Linux");
        Linker linker = Linker.nativeLinker();
        Assumptions.assumeTrue(linker.defaultLookup().find("gnu_get_libc_version").isPresent(), "not glibc");
        Optional<java.lang.foreign.MemorySegment> symbol = linker.defaultLookup().find(name);
        Assumptions.assumeTrue(symbol.isPresent(), name + " not found");
        return linker.downcallHandle(symbol.get(), FunctionDescriptor.of(ValueLayout.JAVA_FLOAT, ValueLayout.JAVA_FLOAT));
    }
}
