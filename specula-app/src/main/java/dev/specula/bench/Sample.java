package dev.specula.bench;

import dev.specula.vision.RgbImage;

import java.util.List;

/**
 * One evaluation example, as {@code specula data} writes it.
 *
 * @param image   the picture the prompt is about, or null for text only
 * @param choices the multiple-choice options (QA only, else null)
 * @param answer  the right option's letter, "A".. (QA only, else null)
 */
public record Sample(String id, RgbImage image, String prompt, String reference, List<String> choices, String answer) {}
