package dev.specula.speculative;

/** The output of {@link SpeculativeDecoder#generate}: the tokens (without the end-of-generation token), why it stopped, and the statistics. */
public record Generation(int[] tokens, StopReason stop, SpecStats stats) {}
