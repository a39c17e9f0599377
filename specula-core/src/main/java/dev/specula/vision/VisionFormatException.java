package dev.specula.vision;

/** An mmproj / projector file that Specula cannot use: the message is one line naming the file and the reason. */
public final class VisionFormatException extends IllegalArgumentException {
    public VisionFormatException(String message) {
        super(message);
    }
}
