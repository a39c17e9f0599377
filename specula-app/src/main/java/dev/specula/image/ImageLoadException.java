package dev.specula.image;

import java.io.IOException;

/** An image that cannot be used; the message is one line naming the file and the problem. */
public final class ImageLoadException extends IOException {
    public ImageLoadException(String message) {
        super(message);
    }

    public ImageLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
