package dev.specula.image;

import dev.specula.vision.RgbImage;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Decodes PNG, JPEG (grey and CMYK included), GIF (first frame), BMP and WebP into 8-bit RGB with ImageIO
 * and the TwelveMonkeys plugins, as llama.cpp's stb_image with 3 channels would give it: alpha dropped
 * without compositing, grey replicated. JPEGs are turned upright by their EXIF orientation (stb_image
 * ignores it, so a rotated photo is the one place Specula deliberately sees something else than llama.cpp).
 *
 * <p>The size declared in the header is checked before any pixel is decoded, so a decompression bomb is
 * refused instead of exhausting the heap.
 */
public final class ImageLoader {
    /** 50 megapixels: a 150 MB RGB buffer, well beyond any camera image a vision model needs. */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
    private static final String FORMATS = "PNG, JPEG, GIF, BMP, WebP";

    static {
        ImageIO.setUseCache(false); // decode in memory, never through temporary files
        ImageIO.scanForPlugins();
    }

    private final long maxPixels;

    public ImageLoader() {
        this(DEFAULT_MAX_PIXELS);
    }

    public ImageLoader(long maxPixels) {
        if (maxPixels <= 0) throw new IllegalArgumentException("the pixel limit must be positive");
        this.maxPixels = maxPixels;
    }

    public long maxPixels() {
        return maxPixels;
    }

    public RgbImage load(Path path) throws ImageLoadException {
        byte[] bytes;
        try {
            if (Files.isDirectory(path)) throw new ImageLoadException(path + ": is a directory, not an image");
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ImageLoadException(path + ": no such file");
        } catch (AccessDeniedException e) {
            throw new ImageLoadException(path + ": permission denied");
        } catch (ImageLoadException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageLoadException(path + ": cannot read: " + e.getMessage(), e);
        }
        return decode(bytes, path.toString());
    }

    /** Decodes an image held in memory (an upload, say); {@code name} names it in errors. */
    public RgbImage decode(byte[] bytes, String name) throws ImageLoadException {
        if (bytes.length == 0) throw new ImageLoadException(name + ": empty file, not an image");
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageLoadException(name + ": not an image in a supported format (" + FORMATS + ")");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                String format = reader.getFormatName().toUpperCase(Locale.ROOT);
                checkSize(name, format, reader);
                JpegMarkers jpeg = JpegMarkers.isJpeg(bytes) ? JpegMarkers.scan(bytes) : null;
                if (jpeg != null && !jpeg.complete()) throw truncatedJpeg(name);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                RgbImage rgb = RasterRgb.of(read(reader, name, format));
                if (jpeg == null) return rgb;
                if (warnings.stream().anyMatch(w -> w.toLowerCase(Locale.ROOT).contains("premature end"))) throw truncatedJpeg(name);
                return Orientation.apply(rgb, jpeg.orientation());
            } finally {
                reader.dispose();
            }
        } catch (ImageLoadException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageLoadException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    private void checkSize(String name, String format, ImageReader reader) throws ImageLoadException {
        long w, h;
        try {
            w = reader.getWidth(0);
            h = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            throw new ImageLoadException(name + ": not a valid " + format + " image (" + message(e) + ")", e);
        }
        if (w <= 0 || h <= 0) {
            throw new ImageLoadException(name + ": " + format + " header declares an empty image (" + w + "x" + h + ")");
        }
        if (w * h > maxPixels) {
            throw new ImageLoadException(String.format(Locale.ROOT, "%s: %s image is %dx%d (%.1f megapixels), over the limit of %.1f megapixels",
                    name, format, w, h, w * h / 1e6, maxPixels / 1e6));
        }
    }

    private static ImageLoadException truncatedJpeg(String name) {
        return new ImageLoadException(name + ": truncated JPEG (the data ends before the end-of-image marker)");
    }

    private static BufferedImage read(ImageReader reader, String name, String format) throws ImageLoadException {
        try {
            BufferedImage image = reader.read(0, reader.getDefaultReadParam());
            if (image == null) throw new ImageLoadException(name + ": " + format + " decoder returned no image");
            return image;
        } catch (ImageLoadException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Decoders report corrupt data as IIOException or, for some plugins, as runtime exceptions.
            throw new ImageLoadException(name + ": cannot decode the " + format + " image, truncated or corrupt (" + message(e) + ")", e);
        }
    }

    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m.lines().findFirst().orElse("");
    }
}
