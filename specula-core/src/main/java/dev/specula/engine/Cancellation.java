package dev.specula.engine;

/** Set from any thread to stop a generation; the engine looks before every speculative round. */
public final class Cancellation {
    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
