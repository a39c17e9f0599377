package dev.specula.tensor;

import dev.specula.tensor.ffi.NativeKQuants;
import dev.specula.tensor.ffi.NativeKernels;

import java.util.Locale;

/**
 * Which kernels run products with Q4_0, Q8_0 and Q4_K weights: the pure-Java ones (the default, and the
 * reference that tests compare against), the optional native library, or {@code auto}, the faster of
 * the two. Other formats always run in Java. Chosen once for the process: the system property
 * {@value #PROPERTY} sets the start value, {@link #select} (the CLI's {@code --backend}) changes it.
 */
public enum Backend {
    JAVA, NATIVE, AUTO;

    public static final String PROPERTY = "specula.backend";

    private static volatile Backend selected = parse(System.getProperty(PROPERTY, "java"));

    /** {@code java}, {@code native} or {@code auto}, any case. */
    public static Backend parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown backend '" + name + "': expected java, native or auto");
        }
    }

    /** Selects the backend for every later product; {@code NATIVE} fails when the library is unavailable. */
    public static void select(Backend backend) {
        if (backend == NATIVE) requireNative();
        selected = backend;
    }

    public static Backend selected() {
        return selected;
    }

    /**
     * What products with Q4_0/Q8_0 (and Q4_K) weights run on now, e.g. {@code java} or {@code native (avx512-vnni)}.
     * Q4_K products follow at every SIMD level (AVX2 and up) and stay in Java at the scalar one.
     */
    public static String describe() {
        if (!usesNative()) {
            return selected == AUTO ? "java (auto: native " + nativeStatus() + ")" : "java";
        }
        return "native (" + NativeKernels.levelName(NativeKernels.level()) + ")";
    }

    /** Whether the native library loaded here, with its level or the reason it did not. */
    public static String nativeStatus() {
        return NativeKernels.available() ? "available, " + NativeKernels.levelName(NativeKernels.level())
                : "unavailable: " + NativeKernels.problem();
    }

    /**
     * Whether products with Q4_0/Q8_0 weights run natively (and Q4_K ones, where {@link NativeKQuants#usable}).
     * {@code auto} takes the library when it has SIMD code for this CPU: measured faster than Java at every
     * batch size (docs/PERFORMANCE-kernels.md); its scalar fallback never is.
     */
    public static boolean usesNative() {
        return switch (selected) {
            case JAVA -> false;
            case NATIVE -> {
                requireNative();
                yield true;
            }
            case AUTO -> NativeKernels.level() >= NativeKernels.AVX2;
        };
    }

    private static void requireNative() {
        if (!NativeKernels.available()) {
            throw new IllegalStateException("native backend selected, but the kernel library is unavailable: "
                    + NativeKernels.problem());
        }
    }
}
