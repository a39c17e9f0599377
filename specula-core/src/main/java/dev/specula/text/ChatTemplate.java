package dev.specula.text;

/**
 * Conversation prompts. LLaVA-1.5 was tuned on the Vicuna v1 format, which llama.cpp calls the
 * {@code vicuna} chat template ({@code llm_chat_apply_template} in {@code src/llama-chat.cpp}).
 */
public final class ChatTemplate {
    private ChatTemplate() {}

    /** The system prompt LLaVA-1.5 was trained with (its "llava_v1" conversation). */
    public static final String LLAVA_SYSTEM_PROMPT = "A chat between a curious human and an artificial intelligence "
            + "assistant. The assistant gives helpful, detailed, and polite answers to the human's questions.";

    /**
     * The prompt for one user turn, ready for the assistant's answer: {@code system + "\n\n"} when there
     * is a system message, then {@code "USER: " + userMessage + "\n"}, then {@code "ASSISTANT:"} (no
     * trailing space: the answer's first token brings its own). The user message may hold an image
     * marker; it is copied unchanged. The text has no BOS; tokenizing with addSpecial adds it.
     *
     * @param system the system message, or null or empty for none
     */
    public static String vicuna(String system, String userMessage) {
        StringBuilder sb = new StringBuilder();
        if (system != null && !system.isEmpty()) {
            sb.append(system).append("\n\n");
        }
        return sb.append("USER: ").append(userMessage).append('\n').append("ASSISTANT:").toString();
    }
}
