package dev.specula.engine;

import dev.specula.vision.RgbImage;

import java.util.List;

/** One turn of a conversation: who speaks, and what they say in text and images, in order. */
public record Message(Role role, List<Part> parts) {

    public enum Role { SYSTEM, USER, ASSISTANT }

    public sealed interface Part permits Text, Image {}

    public record Text(String text) implements Part {}

    /** Decoded pixels; the engine hashes them to find the features of an image it has seen. */
    public record Image(RgbImage pixels) implements Part {}

    public Message {
        parts = List.copyOf(parts);
    }

    public static Message user(String text, RgbImage... images) {
        List<Part> parts = new java.util.ArrayList<>();
        for (RgbImage i : images) parts.add(new Image(i));
        parts.add(new Text(text));
        return new Message(Role.USER, parts);
    }

    public static Message system(String text) {
        return new Message(Role.SYSTEM, List.of(new Text(text)));
    }

    /** The text parts, joined by newlines. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            if (p instanceof Text t) {
                if (!sb.isEmpty()) sb.append('\n');
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    public List<RgbImage> images() {
        return parts.stream().filter(p -> p instanceof Image).map(p -> ((Image) p).pixels()).toList();
    }
}
