package dev.specula.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.specula.engine.Result;
import dev.specula.speculative.SpecStats;

/**
 * The JSON bodies, shaped as OpenAI's: completions, stream chunks, errors. Every completion also carries
 * {@code speculative} (τ and the counts it comes from) and {@code timings}.
 */
final class OpenAiResponses {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private OpenAiResponses() {}

    static ObjectNode error(int status, String type, String code, String param, String message) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        e.put("type", type);
        if (param != null) e.put("param", param);
        else e.putNull("param");
        if (code != null) e.put("code", code);
        else e.putNull("code");
        return root;
    }

    static ObjectNode chat(String id, long created, String model, Result r) {
        ObjectNode root = head(id, "chat.completion", created, model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode msg = choice.putObject("message");
        msg.put("role", "assistant");
        msg.put("content", r.text());
        choice.putNull("logprobs");
        choice.put("finish_reason", r.finish().openAi());
        extras(root, r);
        return root;
    }

    static ObjectNode completion(String id, long created, String model, Result r) {
        ObjectNode root = head(id, "text_completion", created, model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("text", r.text());
        choice.put("index", 0);
        choice.putNull("logprobs");
        choice.put("finish_reason", r.finish().openAi());
        extras(root, r);
        return root;
    }

    /** A chat stream chunk: a delta (role and/or content), or the last one with finish_reason (then {@code r} is set). */
    static ObjectNode chatChunk(String id, long created, String model, String role, String content, Result r) {
        ObjectNode root = head(id, "chat.completion.chunk", created, model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (role != null) delta.put("role", role);
        if (content != null) delta.put("content", content);
        return finish(root, choice, r);
    }

    static ObjectNode completionChunk(String id, long created, String model, String text, Result r) {
        ObjectNode root = head(id, "text_completion", created, model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("text", text);
        choice.put("index", 0);
        return finish(root, choice, r);
    }

    /** A chunk's end: no logprobs; the finish reason and the statistics on the last chunk only. */
    private static ObjectNode finish(ObjectNode root, ObjectNode choice, Result r) {
        choice.putNull("logprobs");
        if (r != null) {
            choice.put("finish_reason", r.finish().openAi());
            extras(root, r);
        } else {
            choice.putNull("finish_reason");
        }
        return root;
    }

    private static ObjectNode head(String id, String object, long created, String model) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        root.put("system_fingerprint", "specula");
        return root;
    }

    private static void extras(ObjectNode root, Result r) {
        ObjectNode u = root.putObject("usage");
        u.put("prompt_tokens", r.usage().promptTokens());
        u.put("completion_tokens", r.usage().completionTokens());
        u.put("total_tokens", r.usage().totalTokens());
        SpecStats s = r.stats();
        ObjectNode sp = root.putObject("speculative");
        sp.put("enabled", r.speculative());
        sp.put("block_efficiency", s.blockEfficiency());
        sp.put("acceptance_rate", s.acceptanceRate());
        sp.put("drafted", s.drafted());
        sp.put("accepted", s.accepted());
        sp.put("target_calls", s.targetCalls());
        sp.put("gamma", s.meanGamma());
        sp.put("gamma_max", s.gammaMax());
        ObjectNode t = root.putObject("timings");
        t.put("image_encode_ms", r.timings().imageEncodeMillis());
        t.put("prefill_ms", r.timings().prefillMillis());
        t.put("decode_ms", r.timings().decodeMillis());
        t.put("decode_tokens_per_second", r.timings().decodeTokensPerSecond());
        t.put("ms_per_token", r.timings().millisPerToken());
    }
}
