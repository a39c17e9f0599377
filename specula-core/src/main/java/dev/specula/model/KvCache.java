package dev.specula.model;

/**
 * Keys and values of every layer for positions {@code [0, length)}. Values are stored as floats rounded to
 * half precision, because llama.cpp keeps an F16 cache and matching its numbers matters more here than
 * the last bits. Rolling back is just forgetting: {@link #truncate} moves the length down.
 */
public final class KvCache {
    private final int capacity;
    private final int width;
    private final float[][] keys;
    private final float[][] values;
    private int length;

    /**
     * @param width floats per position and layer (kv heads × head size)
     */
    public KvCache(int layers, int capacity, int width) {
        if ((long) capacity * width > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a KV cache of " + capacity + " positions × " + width + " floats per layer is too large");
        }
        this.capacity = capacity;
        this.width = width;
        this.keys = new float[layers][capacity * width];
        this.values = new float[layers][capacity * width];
    }

    public int capacity() {
        return capacity;
    }

    public int length() {
        return length;
    }

    /** Rolls back to {@code length} positions (0 ≤ length ≤ length()). */
    public void truncate(int length) {
        if (length < 0 || length > this.length) {
            throw new IllegalArgumentException("cannot truncate a KV cache of " + this.length + " positions to " + length);
        }
        this.length = length;
    }

    /** Stores {@code count} rows of keys and values for one layer at positions {@code length()..}. */
    void store(int layer, float[] k, float[] v, int count) {
        int at = length * width;
        float[] kl = keys[layer], vl = values[layer];
        for (int i = 0, n = count * width; i < n; i++) {
            kl[at + i] = Float.float16ToFloat(Float.floatToFloat16(k[i]));
            vl[at + i] = Float.float16ToFloat(Float.floatToFloat16(v[i]));
        }
    }

    /** Makes the {@code count} positions stored by {@link #store} part of the cache. */
    void advance(int count) {
        length += count;
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    int width() {
        return width;
    }
}
