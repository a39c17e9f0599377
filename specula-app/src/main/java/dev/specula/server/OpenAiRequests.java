package dev.specula.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.specula.engine.Message;
import dev.specula.engine.Request;
import dev.specula.sampling.SamplerConfig;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI request bodies as engine requests. Every field is type-checked: a wrong type or value is a 400
 * naming the parameter, never an exception from deeper down. Sampling follows OpenAI's meaning
 * (temperature 1 and top_p 1 by default, no top-k or min-p); temperature 0 is greedy.
 */
final class OpenAiRequests {
    private final ServerConfig config;
    private final ImageSources images;

    OpenAiRequests(ServerConfig config) {
        this.config = config;
        this.images = new ImageSources(config);
    }

    /** What the handler needs besides the engine request. */
    record Parsed(Request request, boolean stream, boolean includeUsage) {}

    Parsed chat(JsonNode body) {
        checkModel(body);
        JsonNode msgs = body.get("messages");
        if (msgs == null || !msgs.isArray() || msgs.isEmpty()) throw ApiException.invalid("messages", "messages must be a non-empty array");
        List<Message> messages = new ArrayList<>();
        int chars = 0;
        for (JsonNode m : msgs) {
            if (!m.isObject()) throw ApiException.invalid("messages", "each message must be an object");
            Message.Role role = switch (text(m, "role", "messages")) {
                case "system", "developer" -> Message.Role.SYSTEM;
                case "user" -> Message.Role.USER;
                case "assistant" -> Message.Role.ASSISTANT;
                default -> throw ApiException.invalid("messages", "unsupported role '" + m.get("role").asText() + "'");
            };
            List<Message.Part> parts = new ArrayList<>();
            JsonNode content = m.get("content");
            if (content == null || content.isNull()) {
                if (role != Message.Role.ASSISTANT) throw ApiException.invalid("messages", "message content is missing");
            } else if (content.isTextual()) {
                parts.add(new Message.Text(content.asText()));
                chars += content.asText().length();
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    String type = text(part, "type", "messages");
                    switch (type) {
                        case "text" -> {
                            String t = text(part, "text", "messages");
                            parts.add(new Message.Text(t));
                            chars += t.length();
                        }
                        case "image_url" -> {
                            JsonNode iu = part.get("image_url");
                            String url = iu == null ? null : iu.isTextual() ? iu.asText() : iu.path("url").isTextual() ? iu.get("url").asText() : null;
                            if (url == null) throw ApiException.invalid("messages", "image_url needs a url");
                            parts.add(new Message.Image(images.load(url)));
                        }
                        default -> throw ApiException.invalid("messages", "unsupported content part type '" + type + "'");
                    }
                }
            } else {
                throw ApiException.invalid("messages", "message content must be a string or an array of parts");
            }
            messages.add(new Message(role, parts));
        }
        if (chars > config.maxPromptChars()) {
            throw ApiException.invalid("messages", "the prompt has " + chars + " characters, more than this server's limit of " + config.maxPromptChars());
        }
        return finish(body, messages, true);
    }

    Parsed completion(JsonNode body) {
        checkModel(body);
        JsonNode p = body.get("prompt");
        if (p != null && p.isArray() && p.size() == 1) p = p.get(0);
        if (p == null || !p.isTextual()) throw ApiException.invalid("prompt", "prompt must be a string");
        if (p.asText().length() > config.maxPromptChars()) {
            throw ApiException.invalid("prompt", "the prompt is longer than this server's limit of " + config.maxPromptChars() + " characters");
        }
        if (p.asText().isEmpty()) throw ApiException.invalid("prompt", "prompt is empty");
        return finish(body, List.of(new Message(Message.Role.USER, List.of(new Message.Text(p.asText())))), false);
    }

    private Parsed finish(JsonNode body, List<Message> messages, boolean chat) {
        int maxTokens = config.maxTokens();
        JsonNode mt = body.hasNonNull("max_completion_tokens") ? body.get("max_completion_tokens") : body.get("max_tokens");
        String mtName = body.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        if (mt != null && !mt.isNull()) {
            if (!mt.isIntegralNumber()) throw ApiException.invalid(mtName, mtName + " must be an integer");
            if (mt.asLong() < 1) throw ApiException.invalid(mtName, mtName + " must be at least 1, got " + mt.asLong());
            if (mt.asLong() > config.maxTokens()) {
                throw ApiException.invalid(mtName, mtName + " " + mt.asLong() + " is more than this server's limit of " + config.maxTokens());
            }
            maxTokens = mt.asInt();
        }
        float temperature = (float) number(body, "temperature", 1.0, 0, 2);
        float topP = (float) number(body, "top_p", 1.0, 0, 1);
        long seed;
        JsonNode s = body.get("seed");
        if (s == null || s.isNull()) seed = new SecureRandom().nextLong();
        else if (s.isIntegralNumber()) seed = s.asLong();
        else throw ApiException.invalid("seed", "seed must be an integer");
        List<String> stop = new ArrayList<>();
        JsonNode st = body.get("stop");
        if (st != null && !st.isNull()) {
            if (st.isTextual()) stop.add(st.asText());
            else if (st.isArray() && st.size() <= 4) {
                for (JsonNode x : st) {
                    if (!x.isTextual()) throw ApiException.invalid("stop", "stop must be a string or up to 4 strings");
                    stop.add(x.asText());
                }
            } else throw ApiException.invalid("stop", "stop must be a string or up to 4 strings");
            if (stop.stream().anyMatch(String::isEmpty)) throw ApiException.invalid("stop", "stop strings must not be empty");
        }
        boolean stream = bool(body, "stream");
        JsonNode so = body.get("stream_options");
        boolean includeUsage = so != null && so.path("include_usage").asBoolean(false);
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.asInt() == 1)) throw ApiException.invalid("n", "only n = 1 is supported");
        int gamma = config.defaultGamma();
        SamplerConfig sampling = new SamplerConfig(temperature, 0, topP >= 1f ? 1f : topP, 0f, seed);
        return new Parsed(new Request(messages, chat, sampling, maxTokens, stop, gamma, false, true, 0, null), stream, includeUsage);
    }

    private void checkModel(JsonNode body) {
        JsonNode m = body.get("model");
        if (m == null || m.isNull()) return;
        if (!m.isTextual()) throw ApiException.invalid("model", "model must be a string");
        if (!m.asText().equals(config.modelName())) {
            throw new ApiException(404, "invalid_request_error", "model_not_found", "model",
                    "The model '" + m.asText() + "' does not exist; this server serves '" + config.modelName() + "'");
        }
    }

    private static String text(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) throw ApiException.invalid(param, "'" + field + "' must be a string");
        return v.asText();
    }

    private static double number(JsonNode body, String field, double dflt, double min, double max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) throw ApiException.invalid(field, field + " must be a number");
        double d = v.asDouble();
        if (!(d >= min && d <= max)) throw ApiException.invalid(field, field + " must be between " + min + " and " + max + ", got " + d);
        return d;
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw ApiException.invalid(field, field + " must be a boolean");
        return v.asBoolean();
    }
}
