package dev.specula.server;

import java.nio.file.Path;

/**
 * How the server listens and what it refuses. Every limit turns into a 4xx with OpenAI's error shape.
 *
 * @param modelName        the id clients name in {@code model} (requests naming another model get 404)
 * @param maxBodyBytes     largest request body (413 beyond)
 * @param maxImagePixels   largest decoded image, checked from the header before decoding (400 beyond)
 * @param maxPromptChars   longest prompt text over all messages (400 beyond); the context limit also holds
 * @param maxTokens        largest {@code max_tokens}, also the default (400 beyond)
 * @param queueLength      requests that may wait for a session beside those running (429 beyond)
 * @param remoteImages     whether http(s) image URLs are fetched
 * @param imageDir         folder local image paths may come from, or null to refuse local paths
 * @param defaultGamma     γ when the request does not say (the server's --draft-max)
 */
public record ServerConfig(String host, int port, String modelName, long maxBodyBytes, long maxImagePixels,
                           int maxPromptChars, int maxTokens, int queueLength, boolean remoteImages, Path imageDir,
                           int defaultGamma) {

    public static ServerConfig defaults(String modelName) {
        return new ServerConfig("127.0.0.1", 8080, modelName, 20L << 20, 25_000_000L, 32_768, 512, 64, false, null, 4);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, modelName, maxBodyBytes, maxImagePixels, maxPromptChars, maxTokens, queueLength,
                remoteImages, imageDir, defaultGamma);
    }

    public ServerConfig withHost(String h) {
        return new ServerConfig(h, port, modelName, maxBodyBytes, maxImagePixels, maxPromptChars, maxTokens, queueLength,
                remoteImages, imageDir, defaultGamma);
    }

    public ServerConfig withLimits(long body, long pixels, int promptChars, int tokens, int queue) {
        return new ServerConfig(host, port, modelName, body, pixels, promptChars, tokens, queue, remoteImages, imageDir, defaultGamma);
    }

    public ServerConfig withImages(boolean remote, Path dir) {
        return new ServerConfig(host, port, modelName, maxBodyBytes, maxImagePixels, maxPromptChars, maxTokens, queueLength,
                remote, dir, defaultGamma);
    }

    public ServerConfig withGamma(int g) {
        return new ServerConfig(host, port, modelName, maxBodyBytes, maxImagePixels, maxPromptChars, maxTokens, queueLength,
                remoteImages, imageDir, g);
    }
}
