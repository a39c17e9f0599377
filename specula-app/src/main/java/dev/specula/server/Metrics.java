package dev.specula.server;

import dev.specula.engine.Engine;
import dev.specula.engine.Result;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters for {@code GET /metrics}, in Prometheus' text exposition format. */
final class Metrics {
    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    final LongAdder promptTokens = new LongAdder();
    final LongAdder completionTokens = new LongAdder();
    final LongAdder generated = new LongAdder();
    final LongAdder targetCalls = new LongAdder();
    final LongAdder drafted = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final AtomicLong waiting = new AtomicLong();

    void record(Result r) {
        promptTokens.add(r.usage().promptTokens());
        completionTokens.add(r.usage().completionTokens());
        generated.add(r.stats().generated());
        targetCalls.add(r.stats().targetCalls());
        drafted.add(r.stats().drafted());
        accepted.add(r.stats().accepted());
    }

    String render(Engine engine) {
        StringBuilder sb = new StringBuilder();
        counter(sb, "specula_requests_total", "Generation requests received.", requests.sum());
        counter(sb, "specula_request_errors_total", "Requests answered with a 4xx or 5xx error.", errors.sum());
        counter(sb, "specula_requests_rejected_total", "Requests refused because the queue was full.", rejected.sum());
        counter(sb, "specula_requests_cancelled_total", "Generations stopped by a client disconnect.", cancelled.sum());
        counter(sb, "specula_prompt_tokens_total", "Prompt positions evaluated, images included.", promptTokens.sum());
        counter(sb, "specula_completion_tokens_total", "Answer tokens generated.", completionTokens.sum());
        counter(sb, "specula_target_calls_total", "Target forward passes of the decode loop.", targetCalls.sum());
        counter(sb, "specula_drafted_tokens_total", "Tokens proposed by the drafter.", drafted.sum());
        counter(sb, "specula_accepted_tokens_total", "Proposed tokens the target accepted.", accepted.sum());
        long calls = targetCalls.sum();
        gauge(sb, "specula_block_efficiency", "Tokens per target pass over all requests so far (tau).",
                calls == 0 ? 0 : (double) generated.sum() / calls);
        gauge(sb, "specula_queue_length", "Requests waiting for a free session.", waiting.get());
        gauge(sb, "specula_sessions", "Sessions (parallel generations) configured.", engine.sessionCount());
        gauge(sb, "specula_sessions_busy", "Sessions generating now.", engine.sessionCount() - engine.freeSessions());
        counter(sb, "specula_image_cache_hits_total", "Images whose features came from the cache.", engine.imageCacheHits());
        counter(sb, "specula_image_cache_misses_total", "Images the vision tower encoded.", engine.imageCacheMisses());
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(v).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, double v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ')
                .append(String.format(Locale.ROOT, "%.6g", v)).append('\n');
    }
}
