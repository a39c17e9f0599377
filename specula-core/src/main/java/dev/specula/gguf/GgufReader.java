package dev.specula.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A bounds-checked little-endian cursor over a GGUF header. Every read checks the remaining length first. */
final class GgufReader {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int MAX_NESTING = 8;

    private final MemorySegment seg;
    private long pos;

    GgufReader(MemorySegment seg) {
        this.seg = seg;
    }

    long position() {
        return pos;
    }

    private long remaining() {
        return seg.byteSize() - pos;
    }

    private void need(long n, String what) throws GgufFormatException {
        if (n < 0 || n > remaining()) {
            throw new GgufFormatException("file truncated: " + what + " needs " + Long.toUnsignedString(n)
                    + " bytes but only " + remaining() + " remain", pos);
        }
    }

    int u32() throws GgufFormatException {
        need(4, "a 32-bit value");
        int v = seg.get(I32, pos);
        pos += 4;
        return v;
    }

    long u64() throws GgufFormatException {
        need(8, "a 64-bit value");
        long v = seg.get(I64, pos);
        pos += 8;
        return v;
    }

    /** A count whose items each take at least {@code minItemBytes}: it must fit in what remains of the file. */
    long countAt(String what, int minItemBytes) throws GgufFormatException {
        long at = pos;
        long n = u64();
        if (n < 0 || n > remaining() / minItemBytes || n > Integer.MAX_VALUE - 8) {
            throw new GgufFormatException(what + " " + Long.toUnsignedString(n) + " is impossible for a file with "
                    + remaining() + " bytes left", at);
        }
        return n;
    }

    String string() throws GgufFormatException {
        long at = pos;
        long len = u64();
        if (len < 0 || len > remaining() || len > Integer.MAX_VALUE - 8) {
            throw new GgufFormatException("string length " + Long.toUnsignedString(len) + " exceeds the "
                    + remaining() + " bytes left", at);
        }
        byte[] b = seg.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
        pos += len;
        return new String(b, StandardCharsets.UTF_8);
    }

    private GgufValueType type() throws GgufFormatException {
        long at = pos;
        int id = u32();
        GgufValueType t = GgufValueType.byId(id);
        if (t == null) {
            throw new GgufFormatException("unknown metadata value type " + Integer.toUnsignedString(id), at);
        }
        return t;
    }

    GgufValue value(int depth) throws GgufFormatException {
        GgufValueType t = type();
        return t == GgufValueType.ARRAY ? arrayBody(depth) : new GgufValue(t, null, scalar(t));
    }

    /** An array after its ARRAY tag: element type (u32), count (u64), then the elements. */
    private GgufValue arrayBody(int depth) throws GgufFormatException {
        if (depth >= MAX_NESTING) {
            throw new GgufFormatException("arrays nested deeper than " + MAX_NESTING, pos);
        }
        GgufValueType et = type();
        int n = (int) countAt("array length", et.minBytes);
        Object arr = switch (et) {
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = seg.get(F32, pos + 4L * i);
                pos += 4L * n;
                yield a;
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) a[i] = seg.get(F64, pos + 8L * i);
                pos += 8L * n;
                yield a;
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) a[i] = seg.get(ValueLayout.JAVA_BYTE, pos + i) != 0;
                pos += n;
                yield a;
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) a[i] = string();
                yield a;
            }
            case ARRAY -> {
                GgufValue[] a = new GgufValue[n];
                for (int i = 0; i < n; i++) a[i] = arrayBody(depth + 1);
                yield a;
            }
            default -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) a[i] = (Long) scalar(et);
                yield a;
            }
        };
        return new GgufValue(GgufValueType.ARRAY, et, arr);
    }

    private Object scalar(GgufValueType t) throws GgufFormatException {
        need(t.minBytes, t + " value");
        Object v = switch (t) {
            case UINT8 -> (long) (seg.get(ValueLayout.JAVA_BYTE, pos) & 0xFF);
            case INT8 -> (long) seg.get(ValueLayout.JAVA_BYTE, pos);
            case UINT16 -> (long) (seg.get(I16, pos) & 0xFFFF);
            case INT16 -> (long) seg.get(I16, pos);
            case UINT32 -> seg.get(I32, pos) & 0xFFFFFFFFL;
            case INT32 -> (long) seg.get(I32, pos);
            case UINT64, INT64 -> seg.get(I64, pos);
            case FLOAT32 -> seg.get(F32, pos);
            case FLOAT64 -> seg.get(F64, pos);
            case BOOL -> seg.get(ValueLayout.JAVA_BYTE, pos) != 0;
            case STRING -> null;
            case ARRAY -> throw new IllegalStateException();
        };
        if (t == GgufValueType.STRING) {
            return string();
        }
        pos += t.minBytes;
        return v;
    }
}
