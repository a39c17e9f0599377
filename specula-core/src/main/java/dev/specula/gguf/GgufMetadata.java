package dev.specula.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The key-value metadata of a GGUF file, in file order, with typed accessors. */
public final class GgufMetadata {
    private final Map<String, GgufValue> values;

    public GgufMetadata(Map<String, GgufValue> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public Map<String, GgufValue> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public String getString(String key) {
        return (String) require(key, String.class);
    }

    public String getString(String key, String fallback) {
        GgufValue v = values.get(key);
        return v != null && v.value() instanceof String s ? s : fallback;
    }

    public long getLong(String key) {
        return ((Number) require(key, Number.class)).longValue();
    }

    public int getInt(String key) {
        return Math.toIntExact(getLong(key));
    }

    public int getInt(String key, int fallback) {
        GgufValue v = values.get(key);
        return v != null && v.value() instanceof Number n ? n.intValue() : fallback;
    }

    public float getFloat(String key) {
        return ((Number) require(key, Number.class)).floatValue();
    }

    public float getFloat(String key, float fallback) {
        GgufValue v = values.get(key);
        return v != null && v.value() instanceof Number n ? n.floatValue() : fallback;
    }

    public boolean getBool(String key, boolean fallback) {
        GgufValue v = values.get(key);
        return v != null && v.value() instanceof Boolean b ? b : fallback;
    }

    public String[] getStringArray(String key) {
        return (String[]) require(key, String[].class);
    }

    public float[] getFloatArray(String key) {
        return (float[]) require(key, float[].class);
    }

    /** An integer array of any integer element type. */
    public long[] getLongArray(String key) {
        return (long[]) require(key, long[].class);
    }

    /** An integer array narrowed to int; values outside int range are an error. */
    public int[] getIntArray(String key) {
        long[] l = getLongArray(key);
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = Math.toIntExact(l[i]);
        }
        return out;
    }

    private Object require(String key, Class<?> type) {
        GgufValue v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("GGUF metadata key '" + key + "' is missing");
        }
        if (!type.isInstance(v.value())) {
            throw new IllegalArgumentException("GGUF metadata key '" + key + "' has type " + v.type()
                    + (v.elementType() != null ? " of " + v.elementType() : "") + ", expected " + type.getSimpleName());
        }
        return v.value();
    }
}
