package dev.specula.gguf;

import dev.specula.tensor.GgmlType;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF v3 file as a stream: the header goes out first, then each tensor's bytes in the
 * declared order, possibly in several pieces, so a multi-GB model never has to be held in memory.
 *
 * <pre>{@code
 * try (var w = new GgufWriter(path, metadata, specs)) {
 *     for (var spec : specs) w.write(bytesOf(spec));
 * }
 * }</pre>
 */
public final class GgufWriter implements AutoCloseable {

    /** A tensor to be written: ggml shape order, shape[0] being the row length. */
    public record TensorSpec(String name, GgmlType type, long... shape) {
        public long byteSize() {
            long n = 1;
            for (long d : shape) n *= d;
            return type.byteSize(n);
        }
    }

    private final DataOutputStream out;
    private final List<TensorSpec> specs;
    private final int alignment;
    private long position;
    private int current;
    private long writtenOfCurrent;

    public GgufWriter(Path path, Map<String, GgufValue> metadata, List<TensorSpec> specs) throws IOException {
        this(Files.newOutputStream(path), metadata, specs);
    }

    public GgufWriter(OutputStream sink, Map<String, GgufValue> metadata, List<TensorSpec> specs) throws IOException {
        this.out = new DataOutputStream(new BufferedOutputStream(sink, 1 << 20));
        this.specs = List.copyOf(specs);
        GgufValue a = metadata.get("general.alignment");
        this.alignment = a == null ? GgufFile.DEFAULT_ALIGNMENT : (int) (long) (Long) a.value();
        for (TensorSpec s : specs) {
            if (s.shape[0] % s.type.blockSize() != 0) {
                throw new IllegalArgumentException("tensor " + s.name + ": row length " + s.shape[0]
                        + " is not a multiple of " + s.type + "'s block size " + s.type.blockSize());
            }
        }
        writeHeader(metadata);
    }

    private void writeHeader(Map<String, GgufValue> metadata) throws IOException {
        u32(GgufFile.MAGIC);
        u32(3);
        u64(specs.size());
        u64(metadata.size());
        for (var e : metadata.entrySet()) {
            string(e.getKey());
            value(e.getValue());
        }
        long offset = 0;
        for (TensorSpec s : specs) {
            string(s.name);
            u32(s.shape.length);
            for (long d : s.shape) u64(d);
            u32(s.type.id());
            u64(offset);
            offset = GgufFile.align(offset + s.byteSize(), alignment);
        }
        pad();
        skipEmptyTensors();
    }

    /** Appends bytes to the current tensor; a tensor is complete when all its bytes have been written. */
    public void write(byte[] data, int off, int len) throws IOException {
        while (len > 0) {
            if (current >= specs.size()) {
                throw new IllegalStateException("more data written than the declared tensors hold");
            }
            long room = specs.get(current).byteSize() - writtenOfCurrent;
            int n = (int) Math.min(room, len);
            out.write(data, off, n);
            position += n;
            writtenOfCurrent += n;
            off += n;
            len -= n;
            skipEmptyTensors();
        }
    }

    public void write(byte[] data) throws IOException {
        write(data, 0, data.length);
    }

    private void skipEmptyTensors() throws IOException {
        while (current < specs.size() && writtenOfCurrent == specs.get(current).byteSize()) {
            current++;
            writtenOfCurrent = 0;
            if (current < specs.size()) pad();
        }
    }

    private void pad() throws IOException {
        while (position % alignment != 0) {
            out.write(0);
            position++;
        }
    }

    private void value(GgufValue v) throws IOException {
        u32(v.type().ordinal());
        if (v.type() != GgufValueType.ARRAY) {
            scalar(v.type(), v.value());
            return;
        }
        arrayBody(v);
    }

    private void arrayBody(GgufValue v) throws IOException {
        GgufValueType et = v.elementType();
        u32(et.ordinal());
        Object a = v.value();
        switch (a) {
            case float[] f -> { u64(f.length); for (float x : f) u32(Float.floatToRawIntBits(x)); }
            case double[] d -> { u64(d.length); for (double x : d) u64(Double.doubleToRawLongBits(x)); }
            case boolean[] b -> { u64(b.length); for (boolean x : b) u8(x ? 1 : 0); }
            case String[] s -> { u64(s.length); for (String x : s) string(x); }
            case long[] l -> { u64(l.length); for (long x : l) scalar(et, x); }
            case GgufValue[] g -> { u64(g.length); for (GgufValue x : g) arrayBody(x); }
            default -> throw new IllegalArgumentException("unsupported array value " + a.getClass());
        }
    }

    private void scalar(GgufValueType t, Object v) throws IOException {
        switch (t) {
            case UINT8, INT8 -> u8((int) ((Number) v).longValue());
            case UINT16, INT16 -> { long x = ((Number) v).longValue(); u8((int) x); u8((int) (x >> 8)); }
            case UINT32, INT32 -> u32((int) ((Number) v).longValue());
            case UINT64, INT64 -> u64(((Number) v).longValue());
            case FLOAT32 -> u32(Float.floatToRawIntBits(((Number) v).floatValue()));
            case FLOAT64 -> u64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
            case BOOL -> u8((Boolean) v ? 1 : 0);
            case STRING -> string((String) v);
            case ARRAY -> throw new IllegalArgumentException("array where a scalar was expected");
        }
    }

    private void string(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        out.write(b);
        position += b.length;
    }

    private void u8(int v) throws IOException {
        out.write(v);
        position++;
    }

    private void u32(int v) throws IOException {
        out.writeInt(Integer.reverseBytes(v));
        position += 4;
    }

    private void u64(long v) throws IOException {
        out.writeLong(Long.reverseBytes(v));
        position += 8;
    }

    @Override
    public void close() throws IOException {
        try {
            if (current < specs.size()) {
                throw new IllegalStateException("tensor " + specs.get(current).name + " was not fully written");
            }
        } finally {
            out.close();
        }
    }
}
