package dev.specula.image;

/**
 * What the JPEG marker structure says beyond the pixels: the EXIF orientation, and whether the stream
 * ends with an EOI marker. ImageIO quietly fills a truncated JPEG with grey, so truncation is detected
 * here, from the bytes.
 */
record JpegMarkers(int orientation, boolean complete) {

    static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF;
    }

    /** Walks the segments (and the entropy-coded data after each SOS) of a JPEG that starts with SOI. */
    static JpegMarkers scan(byte[] b) {
        int orientation = 1;
        int i = 2;
        while (i + 1 < b.length) {
            if ((b[i] & 0xff) != 0xFF) return new JpegMarkers(orientation, false);
            int marker = b[i + 1] & 0xff;
            if (marker == 0xFF) { // fill byte
                i++;
                continue;
            }
            if (marker == 0xD9) return new JpegMarkers(orientation, true);
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // standalone markers
                i += 2;
                continue;
            }
            if (i + 3 >= b.length) break;
            int length = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
            int body = i + 4, end = i + 2 + length;
            if (length < 2 || end > b.length) break;
            if (marker == 0xE1 && orientation == 1) orientation = exifOrientation(b, body, end);
            i = end;
            if (marker == 0xDA) i = afterEntropyData(b, i);
        }
        return new JpegMarkers(orientation, false);
    }

    /** The index of the next marker after entropy-coded data: an 0xFF not followed by 0x00 or a restart marker. */
    private static int afterEntropyData(byte[] b, int i) {
        while (i + 1 < b.length) {
            if ((b[i] & 0xff) == 0xFF) {
                int next = b[i + 1] & 0xff;
                if (next != 0x00 && next != 0xFF && !(next >= 0xD0 && next <= 0xD7)) return i;
                if (next == 0xFF) {
                    i++;
                    continue;
                }
            }
            i++;
        }
        return b.length;
    }

    /** Tag 0x0112 of IFD0 in an APP1 "Exif\0\0" segment (TIFF, either byte order); 1 when absent or malformed. */
    static int exifOrientation(byte[] b, int start, int end) {
        if (end - start < 14 || b[start] != 'E' || b[start + 1] != 'x' || b[start + 2] != 'i' || b[start + 3] != 'f'
                || b[start + 4] != 0 || b[start + 5] != 0) {
            return 1;
        }
        int tiff = start + 6;
        boolean little = b[tiff] == 'I' && b[tiff + 1] == 'I';
        if (!little && !(b[tiff] == 'M' && b[tiff + 1] == 'M')) return 1;
        long ifd = tiff + u32(b, tiff + 4, little);
        if (ifd + 2 > end) return 1;
        int entries = u16(b, (int) ifd, little);
        for (int e = 0; e < entries; e++) {
            int at = (int) ifd + 2 + 12 * e;
            if (at + 12 > end) return 1;
            if (u16(b, at, little) == 0x0112) {
                int value = u16(b, at + 8, little);
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] b, int at, boolean little) {
        int x = b[at] & 0xff, y = b[at + 1] & 0xff;
        return little ? x | (y << 8) : (x << 8) | y;
    }

    private static long u32(byte[] b, int at, boolean little) {
        long lo = u16(b, little ? at : at + 2, little), hi = u16(b, little ? at + 2 : at, little);
        return lo | (hi << 16);
    }
}
