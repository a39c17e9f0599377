package dev.specula.gguf;

import java.io.IOException;

/** A GGUF file is malformed, truncated or hostile. The message says what is wrong and, where known, where. */
public final class GgufFormatException extends IOException {
    public GgufFormatException(String message) {
        super(message);
    }

    public GgufFormatException(String message, long offset) {
        super(message + " (at byte offset " + offset + ")");
    }
}
