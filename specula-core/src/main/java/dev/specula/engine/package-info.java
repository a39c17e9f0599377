/**
 * The one API between files on disk and tokens out, used by every command and by the server:
 *
 * <pre>{@code
 * try (Engine engine = Engine.load(EngineConfig.of(target).withMmproj(mmproj).withDraft(draft, null), null)) {
 *     Request r = Request.chat(List.of(Message.user("Describe the image.", pixels)), 128);
 *     Result answer = engine.generate(r, piece -> { System.out.print(piece); return true; });
 * }
 * }</pre>
 *
 * An {@link dev.specula.engine.Engine} holds the weights once and {@code sessions} sets of KV caches; a
 * request borrows one set for its generation. Plain decoding is the speculative loop with no drafter, so
 * every {@link dev.specula.engine.Result} has the same statistics and timings.
 */
package dev.specula.engine;
