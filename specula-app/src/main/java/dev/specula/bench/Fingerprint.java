package dev.specula.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * Names the contents of model files for cell keys, so that a rerun after retraining (same shape, same size)
 * does not reuse the old cells: file name, size, and a CRC-32 of the first and last 4 MiB (the header and
 * metadata, and the first and last tensors), read once per file and modification time.
 */
public final class Fingerprint {
    private static final long EDGE = 4L << 20;
    private static final Map<String, String> SEEN = new ConcurrentHashMap<>();

    private Fingerprint() {}

    /** The fingerprints of the files that are not null, joined by "+". */
    public static String of(Path... files) {
        StringBuilder sb = new StringBuilder();
        for (Path p : files) {
            if (p == null) continue;
            if (!sb.isEmpty()) sb.append('+');
            sb.append(one(p));
        }
        return sb.toString();
    }

    private static String one(Path p) {
        try {
            long size = Files.size(p);
            String seen = p.toAbsolutePath() + "|" + size + "|" + Files.getLastModifiedTime(p).toMillis();
            return SEEN.computeIfAbsent(seen, k -> p.getFileName() + ":" + size + ":" + crc(p, size));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String crc(Path p, long size) {
        CRC32 crc = new CRC32();
        try (FileChannel ch = FileChannel.open(p)) {
            update(crc, ch, 0, Math.min(size, EDGE));
            if (size > EDGE) update(crc, ch, Math.max(EDGE, size - EDGE), size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Long.toHexString(crc.getValue());
    }

    private static void update(CRC32 crc, FileChannel ch, long from, long to) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long pos = from;
        while (pos < to) {
            buf.clear().limit((int) Math.min(buf.capacity(), to - pos));
            int n = ch.read(buf, pos);
            if (n < 0) break;
            buf.flip();
            crc.update(buf);
            pos += n;
        }
    }
}
