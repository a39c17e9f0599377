package dev.specula.engine;

/**
 * @param promptTokens     positions the prompt took, image embeddings included
 * @param imageTokens      of those, the positions of images
 * @param completionTokens tokens of the answer (no end-of-generation token)
 */
public record Usage(int promptTokens, int imageTokens, int completionTokens) {
    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
