package dev.specula.server;

import dev.specula.image.ImageLoadException;
import dev.specula.image.ImageLoader;
import dev.specula.vision.RgbImage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * Turns an {@code image_url} into pixels. {@code data:} URLs with base64 PNG, JPEG or WebP are always
 * accepted; http(s) URLs only when the server allows them (fetching arbitrary URLs from a server is a
 * request-forgery hole); local paths only from inside the one folder the server names.
 */
final class ImageSources {
    private final ImageLoader loader;
    private final boolean remote;
    private final Path dir;
    private final long maxBytes;

    ImageSources(ServerConfig config) {
        this.loader = new ImageLoader(config.maxImagePixels());
        this.remote = config.remoteImages();
        this.dir = config.imageDir() == null ? null : config.imageDir().toAbsolutePath().normalize();
        this.maxBytes = config.maxBodyBytes();
    }

    RgbImage load(String url) {
        if (url == null || url.isEmpty()) throw ApiException.invalid("messages", "image_url.url is missing");
        if (url.startsWith("data:")) return decode(dataBytes(url), "data URL");
        if (url.startsWith("http://") || url.startsWith("https://")) {
            if (!remote) throw ApiException.invalid("messages", "http(s) image URLs are disabled on this server"
                    + " (start it with --allow-remote-images); send the image as a data: URL");
            return decode(fetch(url), url);
        }
        String path = url.startsWith("file://") ? URI.create(url).getPath() : url;
        if (dir == null) throw ApiException.invalid("messages", "local image paths are disabled on this server (start it with --image-dir DIR)");
        Path p = dir.resolve(path).toAbsolutePath().normalize();
        try {
            if (!p.startsWith(dir) || !Files.isRegularFile(p) || !p.toRealPath().startsWith(dir.toRealPath())) {
                throw ApiException.invalid("messages", "image path is not a file inside the allowed folder");
            }
            if (Files.size(p) > maxBytes) throw ApiException.invalid("messages", "image file is larger than " + maxBytes + " bytes");
            return decode(Files.readAllBytes(p), p.getFileName().toString());
        } catch (IOException e) {
            throw ApiException.invalid("messages", "cannot read the image file");
        }
    }

    private static byte[] dataBytes(String url) {
        int comma = url.indexOf(',');
        if (comma < 0) throw ApiException.invalid("messages", "a data: URL needs a comma before its data");
        String header = url.substring(5, comma).toLowerCase(java.util.Locale.ROOT);
        if (!header.endsWith(";base64")) throw ApiException.invalid("messages", "image data: URLs must be base64");
        String mime = header.substring(0, header.length() - 7);
        if (!mime.isEmpty() && !mime.startsWith("image/")) {
            throw ApiException.invalid("messages", "data: URL type " + mime + " is not an image type");
        }
        try {
            return Base64.getMimeDecoder().decode(url.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("messages", "the image's base64 data is invalid: " + e.getMessage());
        }
    }

    private RgbImage decode(byte[] bytes, String name) {
        try {
            return loader.decode(bytes, name);
        } catch (ImageLoadException e) {
            throw ApiException.invalid("messages", e.getMessage());
        } catch (RuntimeException | OutOfMemoryError e) {
            throw ApiException.invalid("messages", "cannot decode the image");
        }
    }

    private byte[] fetch(String url) {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build()) {
            HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) throw ApiException.invalid("messages", "fetching the image gave HTTP " + r.statusCode());
                byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (b.length > maxBytes) throw ApiException.invalid("messages", "the image is larger than " + maxBytes + " bytes");
                return b;
            }
        } catch (IOException | IllegalArgumentException e) {
            throw ApiException.invalid("messages", "cannot fetch the image: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.invalid("messages", "interrupted while fetching the image");
        }
    }
}
