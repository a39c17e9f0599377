package dev.specula.server;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where images may come from: data: URLs always, http(s) and local paths only as the server allows. */
class ImageSourcesTest {
    static final Path PNG = TestServer.fixture("images/gray_64x64.png");

    @TempDir
    Path tmp;

    @Test
    void dataUrlsDecode() throws Exception {
        ImageSources s = new ImageSources(TestServer.config());
        assertThat(s.load(TestServer.dataUrl(PNG)).width()).isEqualTo(64);
    }

    @Test
    void httpUrlsAreFetchedOnlyWhenAllowed() throws Exception {
        byte[] png = Files.readAllBytes(PNG);
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        http.createContext("/a.png", ex -> {
            ex.sendResponseHeaders(200, png.length);
            ex.getResponseBody().write(png);
            ex.close();
        });
        http.start();
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/a.png";
            assertThatThrownBy(() -> new ImageSources(TestServer.config()).load(url)).hasMessageContaining("disabled");
            assertThat(new ImageSources(TestServer.config().withImages(true, null)).load(url).height()).isEqualTo(64);
        } finally {
            http.stop(0);
        }
    }

    @Test
    void localPathsOnlyFromInsideTheAllowedFolder() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("images"));
        Files.copy(PNG, dir.resolve("g.png"));
        Files.copy(PNG, tmp.resolve("outside.png"));
        Files.createSymbolicLink(dir.resolve("link.png"), tmp.resolve("outside.png"));
        assertThatThrownBy(() -> new ImageSources(TestServer.config()).load("g.png")).hasMessageContaining("disabled");
        ImageSources s = new ImageSources(TestServer.config().withImages(false, dir));
        assertThat(s.load("g.png").width()).isEqualTo(64);
        assertThat(s.load(dir.resolve("g.png").toString()).width()).isEqualTo(64);
        assertThatThrownBy(() -> s.load("../outside.png")).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> s.load(tmp.resolve("outside.png").toString())).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> s.load("link.png")).as("a link out of the folder").isInstanceOf(ApiException.class);
    }
}
