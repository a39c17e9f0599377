package dev.specula.engine;

import dev.specula.vision.ImageEmbedding;
import dev.specula.vision.ImageFeatures;
import dev.specula.vision.RgbImage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encoded images by content hash (SHA-256 of the size and pixels), least recently used first out. The
 * target's vision tower then runs once per distinct image, and an adapter draft reuses the same features.
 */
final class ImageCache {

    /** One image as both models read it; {@code draft} is null without an image adapter. */
    record Entry(ImageFeatures features, ImageEmbedding target, ImageEmbedding draft) {}

    private final int capacity;
    private final Map<String, Entry> entries;
    private long hits, misses;

    ImageCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    static String key(RgbImage image) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(ByteBuffer.allocate(8).putInt(image.width()).putInt(image.height()).array());
            md.update(image.rgb());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    synchronized Entry get(String key) {
        Entry e = entries.get(key);
        if (e != null) hits++;
        else misses++;
        return e;
    }

    synchronized void put(String key, Entry e) {
        entries.put(key, e);
        while (entries.size() > capacity) entries.remove(entries.keySet().iterator().next());
    }

    synchronized long hits() {
        return hits;
    }

    synchronized long misses() {
        return misses;
    }
}
