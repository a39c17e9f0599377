package dev.specula.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.specula.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The answer {@code specula generate --chat --temp 0 --json} gives, run in-process: what the server must match. */
record CliAnswer(String text, int tokens) {

    static synchronized CliAnswer of(String prompt, Path image, int maxTokens, boolean draft) throws Exception {
        List<String> args = new ArrayList<>(List.of("generate", "-m", TestServer.fixture("tiny-llava-lm-f16.gguf").toString(),
                "--chat", "-p", prompt, "--temp", "0", "-n", Integer.toString(maxTokens), "-c", "2048", "-t", "2",
                "--json", "--quiet"));
        if (image != null) {
            args.addAll(List.of("--mmproj", TestServer.fixture("tiny-llava-mmproj-f16.gguf").toString(), "--image", image.toString()));
        }
        if (draft) args.addAll(List.of("--draft", TestServer.fixture("tiny-draft-f16.gguf").toString()));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Main.run(args.toArray(String[]::new));
        } finally {
            System.setOut(old);
        }
        if (code != 0) throw new IllegalStateException("generate failed with " + code);
        JsonNode root = TestServer.JSON.readTree(out.toString(StandardCharsets.UTF_8));
        return new CliAnswer(root.get("text").asText(), root.get("tokens").size());
    }
}
