package dev.specula.model;

/**
 * Keys and values of every layer for positions {@code [0, length)}, stored in half precision as llama.cpp keeps
 * its cache: its numbers (it rounds them to F16), and its size (a 7B model at 4096 positions takes 2 GiB, not the
 * 4 GiB of floats). Attention widens a row at a time ({@link #widen}). Rolling back is just forgetting:
 * {@link #truncate} moves the length down.
 */
public final class KvCache {
    private final int capacity;
    private final int width;
    private final short[][] keys;
    private final short[][] values;
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
        this.keys = new short[layers][capacity * width];
        this.values = new short[layers][capacity * width];
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
        short[] kl = keys[layer], vl = values[layer];
        for (int i = 0, n = count * width; i < n; i++) {
            kl[at + i] = Float.floatToFloat16(k[i]);
            vl[at + i] = Float.floatToFloat16(v[i]);
        }
    }

    /** Makes the {@code count} positions stored by {@link #store} part of the cache. */
    void advance(int count) {
        length += count;
    }

    short[] keys(int layer) {
        return keys[layer];
    }

    short[] values(int layer) {
        return values[layer];
    }

    /** {@code dst[dstOffset..+n) =} the halves {@code src[srcOffset..+n)} as floats (exact). */
    static void widen(short[] src, int srcOffset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n; i++) dst[dstOffset + i] = Float.float16ToFloat(src[srcOffset + i]);
    }

    int width() {
        return width;
    }
}
