package dev.specula.engine;

import dev.specula.speculative.BrokenVerifier;

/** Test-only access to {@link Engine}'s package-private seams. */
public final class EngineSeams {

    private EngineSeams() {}

    /** From now on the engine's speculative runs accept proposals the target rejected. */
    public static void breakVerifier(Engine engine) {
        engine.useDecoders(BrokenVerifier::decoder);
    }
}
