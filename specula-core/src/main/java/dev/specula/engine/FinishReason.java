package dev.specula.engine;

/** Why an answer ended, in the words of OpenAI's {@code finish_reason} where it has one. */
public enum FinishReason {
    /** The model ended its answer (end-of-generation token) or a stop string appeared. */
    STOP,
    /** The token limit or the context was reached. */
    LENGTH,
    /** The listener or the cancellation stopped it. */
    CANCELLED;

    public String openAi() {
        return this == LENGTH ? "length" : "stop";
    }
}
