package dev.specula.tensor.ffi;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The optional C kernels' library ({@code src/main/c}), loaded through FFM from the resource that the Maven
 * build compiles when a C compiler is present, or from the file named by the system property
 * {@value #LIBRARY_PROPERTY}, and the instruction level its kernels run at ({@code specula_cpu_level}); the
 * products are {@link NativeQ4_0}, {@link NativeQ8_0} and {@link NativeKQuants}. Absent or unloadable, they are
 * simply unavailable and {@link #problem()} says why.
 */
public final class NativeKernels {
    private NativeKernels() {}

    static final String LIBRARY_PROPERTY = "specula.native.library";
    /**
     * The environment variable that caps the level the kernels run at ({@code scalar}, {@code avx2},
     * {@code avx-vnni} or {@code avx512}), so that a machine also runs and tests the lower levels; the system
     * property {@value #LEVEL_PROPERTY} does the same and wins. Every SIMD level gives the same bits.
     */
    public static final String LEVEL_ENV = "SPECULA_NATIVE_LEVEL";
    public static final String LEVEL_PROPERTY = "specula.native.level";
    public static final int SCALAR = 0, AVX2 = 1, AVX_VNNI = 2, AVX512_VNNI = 3;
    private static final String[] LEVEL_NAMES = {"scalar", "avx2", "avx-vnni", "avx512-vnni"};
    /** The CPU feature each level needs, for skip messages. */
    private static final String[] LEVEL_FEATURES = {"none", "avx2 and fma", "avx_vnni (and avx2, fma)",
            "avx512f, avx512bw, avx512vl, avx512dq and avx512_vnni"};

    private static final SymbolLookup SYMBOLS;
    private static final int CPU_LEVEL;
    private static final int LEVEL;
    private static final String PROBLEM;

    static {
        SymbolLookup symbols = null;
        int level = -1;
        String problem = null;
        try {
            Path lib = locate();
            symbols = SymbolLookup.libraryLookup(lib, Arena.global());
            Linker linker = Linker.nativeLinker();
            MethodHandle cpuLevel = linker.downcallHandle(symbols.findOrThrow("specula_cpu_level"),
                    FunctionDescriptor.of(JAVA_INT));
            level = (int) cpuLevel.invokeExact();
        } catch (Throwable t) {
            problem = t.getMessage() != null ? t.getMessage() : t.toString();
            symbols = null;
            level = -1;
        }
        SYMBOLS = symbols;
        CPU_LEVEL = level;
        LEVEL = level < 0 ? level : Math.min(level, requestedLevel());
        PROBLEM = problem;
    }

    /** The level that {@value #LEVEL_PROPERTY} or {@value #LEVEL_ENV} asks for, or the highest when neither is set. */
    static int requestedLevel() {
        String v = System.getProperty(LEVEL_PROPERTY);
        if (v == null) v = System.getenv(LEVEL_ENV);
        if (v == null || v.isBlank()) return AVX512_VNNI;
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "scalar" -> SCALAR;
            case "avx2" -> AVX2;
            case "avx-vnni", "avx_vnni", "avxvnni" -> AVX_VNNI;
            case "avx512", "avx512-vnni", "avx512_vnni" -> AVX512_VNNI;
            default -> throw new IllegalArgumentException("unknown native level '" + v + "' in " + LEVEL_PROPERTY + " / "
                    + LEVEL_ENV + ": expected scalar, avx2, avx-vnni or avx512");
        };
    }

    private static Path locate() throws IOException {
        String override = System.getProperty(LIBRARY_PROPERTY);
        if (override != null) return Path.of(override);
        String resource = "/dev/specula/tensor/native/" + platform() + "/" + System.mapLibraryName("specula_kernels");
        try (InputStream in = NativeKernels.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no native kernel library for " + platform()
                        + " in this build (it is compiled only where a C compiler was found)");
            }
            Path tmp = Files.createTempFile("specula_kernels", System.mapLibraryName(""));
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        }
    }

    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return (os.contains("linux") ? "linux" : os.replace(' ', '_')) + "-" + (arch.equals("amd64") ? "x86_64" : arch);
    }

    /** The loaded library's symbols, for the other kernels linked into it ({@link NativeKQuants}); null when unavailable. */
    /**
     * A downcall to {@code name} in the loaded library, critical (no thread-state transition, heap arrays may be
     * passed): the kernels' calls are short. Throws with {@link #problem()} when the library did not load.
     */
    static MethodHandle critical(String name, FunctionDescriptor descriptor) {
        SymbolLookup lookup = symbols();
        if (lookup == null) throw new IllegalStateException(problem());
        return Linker.nativeLinker().downcallHandle(lookup.findOrThrow(name), descriptor, Linker.Option.critical(true));
    }

    static SymbolLookup symbols() {
        return SYMBOLS;
    }

    public static boolean available() {
        return SYMBOLS != null;
    }

    /** Why the library is unavailable, or null. */
    public static String problem() {
        return PROBLEM;
    }

    /**
     * The level products run at: the best instruction level of this CPU that the library has code for, capped by
     * {@value #LEVEL_ENV} / {@value #LEVEL_PROPERTY}; -1 when unavailable.
     */
    public static int level() {
        return LEVEL;
    }

    /** The best level of this CPU, whatever the cap; -1 when unavailable. Tests run every level up to it. */
    public static int cpuLevel() {
        return CPU_LEVEL;
    }

    /** The CPU features {@code level} needs, for the messages of tests that skip it. */
    public static String features(int level) {
        return LEVEL_FEATURES[level];
    }

    public static String levelName(int level) {
        return level >= 0 ? LEVEL_NAMES[level] : "unavailable";
    }
}
