package dev.specula.engine;

import java.nio.file.Path;

/**
 * What an {@link Engine} loads, once: the target, optionally its mmproj, and at most one drafter (a draft
 * model, optionally with its image adapter, or n-gram lookup), with the resources it runs on.
 *
 * @param target        target language model (GGUF)
 * @param mmproj        the target's vision tower and projector, or null for text only
 * @param draft         draft model sharing the target's vocabulary, or null
 * @param draftMmproj   the draft's image adapter (projector from the target's vision features), or null
 * @param draftNgram    prompt-lookup drafting with n-grams up to this length, or 0 for none
 * @param threads       compute threads in all, shared out among the sessions
 * @param contextLength KV cache positions per session, capped at the model's; 0 takes the model's
 * @param sessions      generations that may run at once, each with its own KV caches
 * @param chatFormat    how chat requests become prompt text
 */
public record EngineConfig(Path target, Path mmproj, Path draft, Path draftMmproj, int draftNgram,
                           int threads, int contextLength, int sessions, ChatFormat chatFormat) {

    public EngineConfig {
        if (target == null) throw new IllegalArgumentException("no target model");
        if (draftMmproj != null && draft == null) throw new IllegalArgumentException("a draft adapter needs a draft model");
        if (draft != null && draftNgram > 0) throw new IllegalArgumentException("give either a draft model or n-gram drafting, not both");
        if (draftNgram < 0) throw new IllegalArgumentException("n-gram length must be >= 0, got " + draftNgram);
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (contextLength < 0) throw new IllegalArgumentException("context length must be >= 0, got " + contextLength);
        if (sessions < 1) throw new IllegalArgumentException("sessions must be >= 1, got " + sessions);
        if (chatFormat == null) throw new IllegalArgumentException("no chat format");
    }

    public static EngineConfig of(Path target) {
        return new EngineConfig(target, null, null, null, 0, Runtime.getRuntime().availableProcessors(), 4096, 1, ChatFormat.VICUNA);
    }

    public EngineConfig withMmproj(Path p) {
        return new EngineConfig(target, p, draft, draftMmproj, draftNgram, threads, contextLength, sessions, chatFormat);
    }

    public EngineConfig withDraft(Path p, Path adapter) {
        return new EngineConfig(target, mmproj, p, adapter, draftNgram, threads, contextLength, sessions, chatFormat);
    }

    public EngineConfig withNgram(int n) {
        return new EngineConfig(target, mmproj, draft, draftMmproj, n, threads, contextLength, sessions, chatFormat);
    }

    public EngineConfig withThreads(int n) {
        return new EngineConfig(target, mmproj, draft, draftMmproj, draftNgram, n, contextLength, sessions, chatFormat);
    }

    public EngineConfig withContextLength(int n) {
        return new EngineConfig(target, mmproj, draft, draftMmproj, draftNgram, threads, n, sessions, chatFormat);
    }

    public EngineConfig withSessions(int n) {
        return new EngineConfig(target, mmproj, draft, draftMmproj, draftNgram, threads, contextLength, n, chatFormat);
    }

    public EngineConfig withChatFormat(ChatFormat f) {
        return new EngineConfig(target, mmproj, draft, draftMmproj, draftNgram, threads, contextLength, sessions, f);
    }

    public boolean speculative() {
        return draft != null || draftNgram > 0;
    }
}
