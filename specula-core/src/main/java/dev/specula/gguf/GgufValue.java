package dev.specula.gguf;

/**
 * One metadata value with its GGUF type, kept so that a file can be rewritten with the same types.
 *
 * <p>Java representation: integer scalars are {@code Long} (UINT64 as its raw bits), FLOAT32 is
 * {@code Float}, FLOAT64 {@code Double}, BOOL {@code Boolean}, STRING {@code String}. Arrays are
 * {@code long[]} for any integer element type, {@code float[]}, {@code double[]}, {@code boolean[]},
 * {@code String[]}, or {@code GgufValue[]} for arrays of arrays.
 *
 * @param type        the value's type
 * @param elementType for arrays, the element type; otherwise null
 * @param value       the Java value as above
 */
public record GgufValue(GgufValueType type, GgufValueType elementType, Object value) {

    public static GgufValue of(String s) {
        return new GgufValue(GgufValueType.STRING, null, s);
    }

    public static GgufValue ofUint32(long v) {
        return new GgufValue(GgufValueType.UINT32, null, v);
    }

    public static GgufValue ofInt32(long v) {
        return new GgufValue(GgufValueType.INT32, null, v);
    }

    public static GgufValue ofFloat32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, null, v);
    }

    public static GgufValue ofBool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, null, v);
    }

    public static GgufValue ofArray(String[] v) {
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.STRING, v);
    }

    public static GgufValue ofArray(float[] v) {
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.FLOAT32, v);
    }

    public static GgufValue ofArray(GgufValueType integerType, long[] v) {
        return new GgufValue(GgufValueType.ARRAY, integerType, v);
    }

    /** A short human-readable form; long arrays are abbreviated. */
    public String describe(int maxElements) {
        if (type != GgufValueType.ARRAY) {
            return type == GgufValueType.STRING ? '"' + escape((String) value) + '"' : String.valueOf(value);
        }
        int n = java.lang.reflect.Array.getLength(value);
        StringBuilder sb = new StringBuilder("[").append(elementType).append(" x ").append(n).append(": ");
        for (int i = 0; i < Math.min(n, maxElements); i++) {
            if (i > 0) sb.append(", ");
            Object e = java.lang.reflect.Array.get(value, i);
            sb.append(e instanceof GgufValue g ? g.describe(maxElements) : e instanceof String s ? '"' + escape(s) + '"' : e);
        }
        if (n > maxElements) sb.append(", ...");
        return sb.append(']').toString();
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(200).forEach(c -> {
            if (c == '\n') sb.append("\\n");
            else if (c < 0x20) sb.append(String.format("\\x%02x", c));
            else sb.appendCodePoint(c);
        });
        return s.length() > 200 ? sb + "..." : sb.toString();
    }
}
