package dev.specula.train;

import dev.specula.engine.Engine;
import dev.specula.engine.Listener;
import dev.specula.sampling.SamplerConfig;
import dev.specula.vision.RgbImage;

import java.util.function.IntConsumer;

/**
 * A target's accuracy on held-out scenes, decoded greedily and target-only: the share of captions that
 * name every object's colour and shape ({@link Scoring#captionNamesEverything}) and the share of
 * multiple-choice answers with the right letter.
 */
public record WorldAccuracy(int scenes, double captions, double qa) {

    public static WorldAccuracy measure(Engine engine, SceneWorld world, SceneWorld.Split split, int n, int imageSize,
                                        IntConsumer progress) throws InterruptedException {
        int captionsRight = 0, qaRight = 0;
        for (int i = 0; i < n; i++) {
            Scene scene = world.scene(split, i);
            RgbImage picture = WorldExamples.rgb(SceneRenderer.render(scene, imageSize));
            Task.Example caption = Task.CAPTION.example(scene);
            if (Scoring.captionNamesEverything(scene, answer(engine, caption.prompt(), picture, 160))) captionsRight++;
            Task.Example qa = Task.QA.example(scene);
            if (qa.answer().equals(Scoring.choice(answer(engine, qa.prompt(), picture, 48)))) qaRight++;
            if (progress != null) progress.accept(i + 1);
        }
        return new WorldAccuracy(n, (double) captionsRight / n, (double) qaRight / n);
    }

    /** The target's own greedy answer, in the raw prompt format the demo world is trained on. */
    public static String answer(Engine engine, String question, RgbImage picture, int maxTokens) throws InterruptedException {
        return engine.generate(WorldExamples.request(question, picture, SamplerConfig.greedy(), maxTokens).withUseDraft(false), Listener.NONE).text();
    }
}
