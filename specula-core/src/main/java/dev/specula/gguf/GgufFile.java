package dev.specula.gguf;

import dev.specula.tensor.GgmlType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF file (versions 2 and 3), memory-mapped. Tensor data is never copied: {@link #tensorData}
 * returns slices of the mapping, which stays valid until {@link #close()}.
 */
public final class GgufFile implements AutoCloseable {
    public static final int MAGIC = 0x46554747; // "GGUF" little-endian
    public static final int DEFAULT_ALIGNMENT = 32;

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final int version;
    private final GgufMetadata metadata;
    private final Map<String, TensorInfo> tensors;
    private final long dataStart;
    private final int alignment;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, int version, GgufMetadata metadata,
                     Map<String, TensorInfo> tensors, long dataStart, int alignment) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataStart = dataStart;
        this.alignment = alignment;
    }

    /**
     * Maps and parses a GGUF file.
     *
     * @throws NoSuchFileException  when the file does not exist
     * @throws GgufFormatException  when the file is not a valid GGUF file (also for directories and empty files)
     */
    public static GgufFile open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
        if (Files.isDirectory(path)) {
            throw new GgufFormatException(path + " is a directory, not a GGUF file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.NULL.reinterpret(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return parse(path, arena, seg);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Parses a GGUF image held in memory (used by tests); the segment must outlive the returned object. */
    public static GgufFile parse(MemorySegment data) throws GgufFormatException {
        return parse(null, null, data);
    }

    private static GgufFile parse(Path path, Arena arena, MemorySegment seg) throws GgufFormatException {
        GgufReader r = new GgufReader(seg);
        if (seg.byteSize() < 4 || r.u32() != MAGIC) {
            throw new GgufFormatException("not a GGUF file: the first 4 bytes are not 'GGUF'", 0);
        }
        long versionAt = r.position();
        int version = r.u32();
        if (version != 2 && version != 3) {
            throw new GgufFormatException("unsupported GGUF version " + Integer.toUnsignedString(version)
                    + " (Specula reads versions 2 and 3)", versionAt);
        }
        long tensorCount = r.countAt("tensor count", 8 + 4 + 8 + 4 + 8);
        long kvCount = r.countAt("metadata count", 8 + 4 + 1);
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long keyAt = r.position();
            String key = r.string();
            GgufValue value = r.value(0);
            if (kv.putIfAbsent(key, value) != null) {
                throw new GgufFormatException("duplicate metadata key '" + key + "'", keyAt);
            }
        }
        GgufMetadata metadata = new GgufMetadata(kv);
        int alignment = DEFAULT_ALIGNMENT;
        GgufValue alignValue = kv.get("general.alignment");
        if (alignValue != null) {
            if (!(alignValue.value() instanceof Long a) || a <= 0 || a > (1 << 20) || Long.bitCount(a) != 1) {
                throw new GgufFormatException("general.alignment must be a power of two up to 1 MiB, got " + alignValue.value());
            }
            alignment = (int) (long) a;
        }

        record Pending(String name, GgmlType type, long[] shape, long relOffset, long byteSize, long at) {}
        Pending[] pending = new Pending[(int) tensorCount];
        for (int i = 0; i < tensorCount; i++) {
            long at = r.position();
            String name = r.string();
            long dimsAt = r.position();
            int nDims = r.u32();
            if (nDims < 1 || nDims > 4) {
                throw new GgufFormatException("tensor '" + name + "' has " + Integer.toUnsignedString(nDims) + " dimensions (1 to 4 allowed)", dimsAt);
            }
            long[] shape = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                long dimAt = r.position();
                shape[d] = r.u64();
                if (shape[d] <= 0 || shape[d] > (1L << 40)) {
                    throw new GgufFormatException("tensor '" + name + "' has dimension " + d + " = " + Long.toUnsignedString(shape[d]), dimAt);
                }
                elements = Math.multiplyHigh(elements, shape[d]) != 0 || elements * shape[d] > (1L << 48)
                        ? -1 : elements * shape[d];
                if (elements < 0) {
                    throw new GgufFormatException("tensor '" + name + "' has an absurd element count", dimAt);
                }
            }
            long typeAt = r.position();
            int typeId = r.u32();
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) {
                throw new GgufFormatException("tensor '" + name + "' has unknown ggml type id " + Integer.toUnsignedString(typeId), typeAt);
            }
            if (shape[0] % type.blockSize() != 0) {
                throw new GgufFormatException("tensor '" + name + "' of type " + type + " has row length " + shape[0]
                        + ", not a multiple of the block size " + type.blockSize(), dimsAt);
            }
            long offAt = r.position();
            long rel = r.u64();
            if (rel < 0 || rel % alignment != 0) {
                throw new GgufFormatException("tensor '" + name + "' data offset " + Long.toUnsignedString(rel)
                        + " is not a multiple of the alignment " + alignment, offAt);
            }
            pending[i] = new Pending(name, type, shape, rel, type.byteSize(elements), at);
        }
        long dataStart = align(r.position(), alignment);
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Pending p : pending) {
            long start = dataStart + p.relOffset;
            if (start < dataStart || start > seg.byteSize() || p.byteSize > seg.byteSize() - start) {
                throw new GgufFormatException("tensor '" + p.name + "' data [" + start + ", " + (start + p.byteSize)
                        + ") lies outside the file of " + seg.byteSize() + " bytes", p.at);
            }
            TensorInfo info = new TensorInfo(p.name, p.type, p.shape, start, p.byteSize);
            if (tensors.putIfAbsent(p.name, info) != null) {
                throw new GgufFormatException("duplicate tensor name '" + p.name + "'", p.at);
            }
        }
        return new GgufFile(path, arena, seg, version, metadata, Collections.unmodifiableMap(tensors), dataStart, alignment);
    }

    static long align(long offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    public int alignment() {
        return alignment;
    }

    public long dataStart() {
        return dataStart;
    }

    public long fileSize() {
        return mapping.byteSize();
    }

    /** Tensors in file order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public List<TensorInfo> tensorList() {
        return List.copyOf(tensors.values());
    }

    public TensorInfo tensor(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("tensor '" + name + "' is missing from " + describe());
        }
        return t;
    }

    public boolean hasTensor(String name) {
        return tensors.containsKey(name);
    }

    /** The tensor's bytes: a slice of the mapping, not a copy. */
    public MemorySegment tensorData(TensorInfo t) {
        return mapping.asSlice(t.dataOffset(), t.byteSize());
    }

    public MemorySegment tensorData(String name) {
        return tensorData(tensor(name));
    }

    public String describe() {
        return path != null ? path.toString() : "GGUF image";
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}
