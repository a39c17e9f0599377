package dev.specula.engine;

/** How a chat request's turns become the text a model reads. */
public enum ChatFormat {
    /** LLaVA-1.5's Vicuna v1 turns, as llama.cpp's {@code vicuna} template writes them (the default). */
    VICUNA,
    /**
     * Each user turn its images, then its text, then a line break; each assistant turn its text and a line break;
     * no system prompt: the single-turn format the demo world was trained on ({@code WorldExamples.promptText}).
     */
    LINES
}
