package dev.specula.speculative;

/** Why a generation ended. */
public enum StopReason {
    /** The model produced an end-of-generation token (not part of the output). */
    EOG,
    /** The output reached the token limit. */
    LENGTH,
    /** The target's KV cache is full. */
    CONTEXT,
    /** The caller stopped it: its token listener said so, or it was cancelled. */
    CALLER
}
