package dev.specula.tensor.infra;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The C library's {@code sinf} and {@code cosf}, which ggml's RoPE calls for its rotation angles. glibc's round the
 * other way from the correctly rounded value (Java's {@code Math}) for about 1.3% of the angles past position 19,
 * and the last bit of a rotated key shows in the logits of quantized models (a Q4_0 LLaVA run: 0.37% of the
 * largest logit). Called through the FFM API on the platform's own library, as llama.cpp on that platform does; a
 * few calls per token, once per position and pair. Where the library has no such function, Java's.
 */
public final class CMath {
    private CMath() {}

    private static final MethodHandle SINF = find("sinf"), COSF = find("cosf");

    private static MethodHandle find(String name) {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find(name)
                    .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_FLOAT, ValueLayout.JAVA_FLOAT),
                            Linker.Option.critical(false)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null; // no native access or no C library: Java's functions
        }
    }

    public static float sin(float x) {
        return SINF == null ? (float) Math.sin(x) : call(SINF, x);
    }

    public static float cos(float x) {
        return COSF == null ? (float) Math.cos(x) : call(COSF, x);
    }

    /** Whether the C library's functions are in use. */
    public static boolean fromCLibrary() {
        return SINF != null && COSF != null;
    }

    private static float call(MethodHandle f, float x) {
        try {
            return (float) f.invokeExact(x);
        } catch (Throwable e) {
            throw new IllegalStateException("the C library's " + f + " failed", e);
        }
    }
}
