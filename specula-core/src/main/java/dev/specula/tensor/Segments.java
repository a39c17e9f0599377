package dev.specula.tensor;

import java.lang.foreign.MemorySegment;

/** Views of off-heap memory for the kernels' hot paths. */
final class Segments {
    private Segments() {}

    /**
     * The same memory without its arena's session: a downcall with a segment of a shared or automatic arena
     * acquires and releases that session (an atomic update that the two threads of a product contend for,
     * on every call), and Java accesses check that it is alive. The caller must keep {@code owner} reachable
     * for as long as it uses the view.
     */
    static MemorySegment unscoped(MemorySegment owner) {
        return MemorySegment.ofAddress(owner.address()).reinterpret(owner.byteSize());
    }
}
