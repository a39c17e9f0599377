package dev.specula.tensor.infra;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Views of off-heap memory for the kernels' hot paths. */
public final class Segments {
    private Segments() {}

    /**
     * The same memory without its arena's session: a downcall with a segment of a shared or automatic arena
     * acquires and releases that session (an atomic update that the two threads of a product contend for,
     * on every call), and Java accesses check that it is alive. The caller must keep {@code owner} reachable
     * for as long as it uses the view.
     */
    public static MemorySegment unscoped(MemorySegment owner) {
        return MemorySegment.ofAddress(owner.address()).reinterpret(owner.byteSize());
    }

    /** A growable off-heap buffer for a kernel's inputs, handed out as an {@link #unscoped} view. */
    public static final class Growable {
        private MemorySegment owner = MemorySegment.NULL;
        private MemorySegment view = MemorySegment.NULL;

        /** The buffer, at least {@code bytes} long: when short, a new one of at least twice the size (contents not kept). */
        public MemorySegment reserve(long bytes) {
            if (view.byteSize() < bytes) {
                owner = Arena.ofAuto().allocate(Math.max(bytes, 2 * view.byteSize()), 64);
                view = unscoped(owner);
            }
            return view;
        }

        /** The buffer as last reserved. */
        public MemorySegment view() {
            return view;
        }
    }
}
