package dev.specula.cli;

import dev.specula.engine.ChatFormat;
import dev.specula.engine.Engine;
import dev.specula.engine.EngineConfig;
import dev.specula.server.OpenAiServer;
import dev.specula.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves the model over an OpenAI-compatible HTTP API (/v1/chat/completions, /v1/completions,",
                "/v1/models, /health, /metrics) with a chat page at /. Without -m it serves the demo world."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, description = "Target language model (GGUF); default: the demo world.") Path model;
    @Mixin SharedOptions.Models models;
    @Mixin SharedOptions.DraftMax gamma;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).") String host;
    @Option(names = "--port", defaultValue = "8080", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).") int port;
    @Option(names = "--parallel", defaultValue = "1", description = "Generations at once, each with its own KV caches (default: ${DEFAULT-VALUE}).") int parallel;
    @Option(names = "--queue", defaultValue = "64", description = "Requests that may wait for a session (default: ${DEFAULT-VALUE}).") int queue;
    @Mixin SharedOptions.Threads threads;
    @Option(names = {"-c", "--ctx-size"}, defaultValue = "4096", description = "Context per session (default: ${DEFAULT-VALUE}).") int ctxSize;
    @Option(names = "--model-name", description = "Model id for clients (default: the target's file name).") String modelName;
    @Option(names = "--max-body", defaultValue = "20971520", description = "Largest request body in bytes (default: ${DEFAULT-VALUE}).") long maxBody;
    @Option(names = "--max-image-pixels", defaultValue = "25000000", description = "Largest image (default: ${DEFAULT-VALUE}).") long maxPixels;
    @Option(names = "--max-prompt-chars", defaultValue = "32768", description = "Longest prompt text (default: ${DEFAULT-VALUE}).") int maxPromptChars;
    @Option(names = "--max-tokens", defaultValue = "512", description = "Largest max_tokens, and its default (default: ${DEFAULT-VALUE}).") int maxTokens;
    @Option(names = "--allow-remote-images", description = "Fetch http(s) image URLs (off: only data: URLs).") boolean remoteImages;
    @Option(names = "--image-dir", description = "Accept local image paths from inside this folder.") Path imageDir;
    @Mixin SharedOptions.Kernels kernels;
    @Mixin SharedOptions.ProgressBars bars;
    @Mixin SharedOptions.Verbose verbose;

    @Override
    public Integer call() throws Exception {
        kernels.select();
        boolean demoWorld = model == null;
        if (demoWorld) {
            // The demo world's files, as generate --demo takes them.
            DemoModels demo = DefaultWorld.models();
            model = demo.target();
            models.defaultTo(demo);
        }
        EngineConfig config = models.applyTo(EngineConfig.of(model).withThreads(threads.count()).withContextLength(ctxSize)
                .withSessions(parallel));
        // the demo models were trained on one line per turn, not on Vicuna's turns
        if (demoWorld) config = config.withChatFormat(ChatFormat.LINES);
        String name = modelName != null ? modelName : model.getFileName().toString().replaceFirst("\\.gguf$", "");
        try (Engine engine = Engine.load(config, null)) {
            if (gamma.draftMax < 1 || gamma.draftMax > engine.maxGamma()) {
                throw new IllegalArgumentException("--draft-max must be 1 to " + engine.maxGamma());
            }
            ServerConfig sc = ServerConfig.defaults(name).withHost(host).withPort(port)
                    .withLimits(maxBody, maxPixels, maxPromptChars, maxTokens, queue).withImages(remoteImages, imageDir)
                    .withGamma(gamma.draftMax);
            try (OpenAiServer server = OpenAiServer.start(engine, sc)) {
                if (engine.hasDrafter()) server.measureBaseline();
                System.err.printf("specula: serving %s on http://%s:%d/ (%d session%s%s)%n", name, host, server.port(), parallel,
                        parallel == 1 ? "" : "s", engine.hasDrafter() ? ", speculative" : "");
                new CountDownLatch(1).await(); // until the process is stopped
            }
        }
        return 0;
    }
}
