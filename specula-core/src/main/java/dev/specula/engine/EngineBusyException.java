package dev.specula.engine;

/** No session came free within the wait the caller allowed. */
public final class EngineBusyException extends RuntimeException {
    public EngineBusyException(String message) {
        super(message);
    }
}
