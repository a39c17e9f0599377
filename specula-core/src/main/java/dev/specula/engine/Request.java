package dev.specula.engine;

import dev.specula.sampling.SamplerConfig;

import java.util.List;

/**
 * One generation: the conversation (or, raw, the literal text of its one user message, with
 * {@code <image>} marking where each image goes), how to sample, when to stop, and how to speculate.
 *
 * @param chat      apply the LLaVA-1.5 (vicuna) conversation template; false: raw completion
 * @param maxTokens tokens to generate at most (an end-of-generation token counts)
 * @param stop      strings that end the answer where they first appear (not part of it)
 * @param gamma     draft length γ (the most when adaptive); ignored without a drafter
 * @param adaptive  tune γ from recent acceptance (needs {@link Engine#setGammaCosts})
 * @param useDraft  false runs target-only even when the engine has a drafter (for comparisons)
 * @param topLogits per token, the top-K logits it was drawn from (target-only runs); 0 for none
 */
public record Request(List<Message> messages, boolean chat, SamplerConfig sampling, int maxTokens, List<String> stop,
                      int gamma, boolean adaptive, boolean useDraft, int topLogits, Cancellation cancellation) {

    public Request {
        messages = List.copyOf(messages);
        stop = List.copyOf(stop);
        if (messages.isEmpty()) throw new IllegalArgumentException("no messages");
        if (maxTokens < 1) throw new IllegalArgumentException("max tokens must be >= 1, got " + maxTokens);
        if (gamma < 0) throw new IllegalArgumentException("γ must be >= 0, got " + gamma);
        if (topLogits < 0) throw new IllegalArgumentException("top logits must be >= 0, got " + topLogits);
        for (String s : stop) if (s.isEmpty()) throw new IllegalArgumentException("empty stop string");
        if (cancellation == null) cancellation = new Cancellation();
    }

    /** A greedy chat request with γ 4 and no stop strings. */
    public static Request chat(List<Message> messages, int maxTokens) {
        return new Request(messages, true, SamplerConfig.greedy(), maxTokens, List.of(), 4, false, true, 0, null);
    }

    public Request withSampling(SamplerConfig s) {
        return new Request(messages, chat, s, maxTokens, stop, gamma, adaptive, useDraft, topLogits, cancellation);
    }

    public Request withStop(List<String> s) {
        return new Request(messages, chat, sampling, maxTokens, s, gamma, adaptive, useDraft, topLogits, cancellation);
    }

    public Request withGamma(int g, boolean adaptiveGamma) {
        return new Request(messages, chat, sampling, maxTokens, stop, g, adaptiveGamma, useDraft, topLogits, cancellation);
    }

    public Request withUseDraft(boolean b) {
        return new Request(messages, chat, sampling, maxTokens, stop, gamma, adaptive, b, topLogits, cancellation);
    }

    public Request withTopLogits(int k) {
        return new Request(messages, chat, sampling, maxTokens, stop, gamma, adaptive, useDraft, k, cancellation);
    }

    public Request withMaxTokens(int n) {
        return new Request(messages, chat, sampling, n, stop, gamma, adaptive, useDraft, topLogits, cancellation);
    }

    public Request withCancellation(Cancellation c) {
        return new Request(messages, chat, sampling, maxTokens, stop, gamma, adaptive, useDraft, topLogits, c);
    }
}
