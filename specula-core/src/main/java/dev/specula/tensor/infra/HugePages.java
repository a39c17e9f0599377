package dev.specula.tensor.infra;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Large off-heap buffers that the kernels stream through, mapped from the OS on transparent huge pages
 * where it offers them: 2 MiB pages keep the TLB out of a stream of gigabytes. Unlike
 * {@link Arena#allocate}, the memory is not zeroed first (the caller writes all of it), and the advice
 * comes before any page is touched, which it must for the pages to be huge. Freed when unreachable.
 */
public final class HugePages {
    private HugePages() {}

    private static final int PROT_READ_WRITE = 0x3;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x22;
    private static final int MADV_HUGEPAGE = 14;
    private static final long MIN_SIZE = 2L << 20;
    private static final MethodHandle MMAP, MUNMAP, MADVISE;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        boolean linux = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
        MMAP = linux ? libc.find("mmap").map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ADDRESS, ADDRESS,
                JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG))).orElse(null) : null;
        MUNMAP = linux ? libc.find("munmap").map(f -> linker.downcallHandle(f,
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG))).orElse(null) : null;
        MADVISE = linux ? libc.find("madvise").map(f -> linker.downcallHandle(f,
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT))).orElse(null) : null;
    }

    /** {@code size} bytes, 64-byte aligned, contents unspecified, freed when unreachable. */
    public static MemorySegment allocate(long size) {
        return allocate(size, Arena.ofAuto());
    }

    /** {@code size} bytes, 64-byte aligned, contents unspecified, freed when {@code arena} closes. */
    public static MemorySegment allocate(long size, Arena arena) {
        if (size < MIN_SIZE || MMAP == null || MUNMAP == null || MADVISE == null) {
            return arena.allocate(size, 64);
        }
        try {
            MemorySegment at = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, size, PROT_READ_WRITE,
                    MAP_PRIVATE_ANONYMOUS, -1, 0L);
            if (at.address() == -1L) return arena.allocate(size, 64);
            int ignored = (int) MADVISE.invokeExact(at, size, MADV_HUGEPAGE); // a hint: refusal changes nothing
            long address = at.address();
            return at.reinterpret(size, arena, s -> unmap(address, size));
        } catch (Throwable t) {
            return arena.allocate(size, 64);
        }
    }

    private static void unmap(long address, long size) {
        try {
            int ignored = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(address), size);
        } catch (Throwable t) {
            // nothing more to do for memory that could not be returned
        }
    }
}
