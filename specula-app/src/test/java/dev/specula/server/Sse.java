package dev.specula.server;

import java.util.ArrayList;
import java.util.List;

/** Splits a whole server-sent-event body into its {@code data:} payloads, checking the framing. */
final class Sse {
    private Sse() {}

    static List<String> events(String body) {
        List<String> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.isEmpty()) continue;
            if (!block.startsWith("data: ") || block.contains("\n")) throw new AssertionError("not one data line: " + block);
            out.add(block.substring(6));
        }
        if (!body.endsWith("\n\n")) throw new AssertionError("stream does not end with a blank line");
        return out;
    }
}
