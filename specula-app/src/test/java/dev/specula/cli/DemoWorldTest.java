package dev.specula.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.specula.engine.Engine;
import dev.specula.engine.EngineConfig;
import dev.specula.engine.Listener;
import dev.specula.engine.Result;
import dev.specula.gguf.GgufFile;
import dev.specula.sampling.SamplerConfig;
import dev.specula.train.Scene;
import dev.specula.train.SceneRenderer;
import dev.specula.train.SceneWorld;
import dev.specula.train.Task;
import dev.specula.train.WorldAccuracy;
import dev.specula.train.WorldExamples;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The committed demo world (models/demo/): accurate, small, and the demo command's lossless speculation. */
class DemoWorldTest {

    private static final DemoModels MODELS = DemoModels.locate();

    @Test
    void committedModelsArePresentAndWithinTheSizeBudget() throws Exception {
        assertThat(MODELS.present()).as("models/demo/ holds every demo file").isTrue();
        long bytes = 0;
        try (var files = Files.list(MODELS.target().getParent())) {
            for (var p : files.toList()) bytes += Files.size(p);
        }
        assertThat(bytes).as("models/demo/ in total").isLessThanOrEqualTo(40L * 1000 * 1000);
    }

    @Test
    void languageOnlyDraftIsAtMostFivePercentOfTheTarget() throws Exception {
        try (Engine target = Engine.load(EngineConfig.of(MODELS.target()), null);
             Engine draft = Engine.load(EngineConfig.of(MODELS.draft()), null)) {
            long t = target.withModels((m, d) -> m.parameterCount()), c = draft.withModels((m, d) -> m.parameterCount());
            assertThat((double) c / t).isLessThanOrEqualTo(0.05);
        }
    }

    @Test
    void committedTargetMeetsTheAccuracyBarsOnHundredValidationScenes() throws Exception {
        int size;
        try (GgufFile f = GgufFile.open(MODELS.mmproj())) {
            size = f.metadata().getInt("clip.vision.image_size");
        }
        try (Engine engine = Engine.load(EngineConfig.of(MODELS.target()).withMmproj(MODELS.mmproj()), null)) {
            WorldAccuracy a = WorldAccuracy.measure(engine, new SceneWorld(DemoModels.WORLD_SEED), SceneWorld.Split.VALIDATION, 100, size, null);
            assertThat(a.captions()).as("captions naming every object's colour and shape").isGreaterThanOrEqualTo(0.95);
            assertThat(a.qa()).as("multiple-choice accuracy").isGreaterThanOrEqualTo(0.95);
        }
    }

    @Test
    void trainingSequencesHoldTheEnginesPromptTokens() throws Exception {
        // The demo models learnt from WorldExamples.sequence: its prompt must be the one the engine builds, token
        // for token, with the image's rows after BOS and the first target at the prompt's last position.
        SceneWorld world = new SceneWorld(DemoModels.WORLD_SEED);
        try (var pool = new dev.specula.tensor.Parallel(1);
             var tower = dev.specula.vision.ClipEncoder.open(MODELS.mmproj(), pool);
             Engine engine = Engine.load(EngineConfig.of(MODELS.target()).withMmproj(MODELS.mmproj()).withThreads(1), null)) {
            for (int i = 0; i < 2; i++) {
                Scene scene = world.scene(SceneWorld.Split.TRAIN, i);
                var features = WorldExamples.features(tower, scene);
                var picture = WorldExamples.rgb(SceneRenderer.render(scene, tower.config().imageSize()));
                for (Task task : Task.values()) {
                    Task.Example ex = task.example(scene);
                    Result r = engine.generate(WorldExamples.request(ex.prompt(), picture, SamplerConfig.greedy(), 1), Listener.NONE);
                    int[] prompt = r.promptTokens();
                    for (var seq : List.of(WorldExamples.sequence(engine.tokenizer(), ex.prompt(), ex.reference(), features),
                            WorldExamples.sequence(engine.tokenizer(), ex.prompt(), ex.reference(), null))) {
                        assertThat(Arrays.copyOf(seq.ids(), prompt.length)).as(ex.prompt()).containsExactly(prompt);
                        int rows = seq.imageRows(), firstTarget = 0;
                        while (seq.targets()[firstTarget] < 0) firstTarget++;
                        assertThat(firstTarget).isEqualTo(rows + prompt.length - 1);
                        if (rows > 0) {
                            assertThat(rows).isEqualTo(r.usage().imageTokens());
                            assertThat(rows + prompt.length).isEqualTo(r.usage().promptTokens());
                            assertThat(seq.imageAt()).isEqualTo(1);
                            assertThat(prompt[0]).isEqualTo(engine.tokenizer().bos());
                        }
                    }
                }
            }
        }
    }

    @Test
    void frozenTowerKeepsEverySingleObjectPatchApart() throws Exception {
        // The random tower is frozen, so whatever it erases the projector can never learn: 96 single-object scenes
        // at the centre (background x shape x two colours x size) must give 48 distinct centre-patch features.
        try (var pool = new dev.specula.tensor.Parallel(1);
             var tower = dev.specula.vision.ClipEncoder.open(MODELS.mmproj(), pool)) {
            int d = tower.config().featureWidth();
            java.util.List<float[]> rows = new java.util.ArrayList<>();
            for (var bg : dev.specula.train.Scene.Background.values())
                for (var shape : dev.specula.train.Scene.Shape.values())
                    for (var colour : new dev.specula.train.Scene.Colour[] {dev.specula.train.Scene.Colour.RED, dev.specula.train.Scene.Colour.BLUE})
                        for (var size : dev.specula.train.Scene.Size.values()) {
                            var scene = new dev.specula.train.Scene(1, bg, java.util.List.of(
                                    new dev.specula.train.Scene.Thing(shape, colour, size, dev.specula.train.Scene.Place.CENTRE)));
                            float[] f = dev.specula.train.WorldExamples.features(tower, scene).data();
                            rows.add(java.util.Arrays.copyOfRange(f, 4 * d, 5 * d));
                        }
            double closest = Double.MAX_VALUE, norm = 0;
            for (float v : rows.getFirst()) norm += v * v;
            for (int i = 0; i < rows.size(); i++) {
                for (int j = i + 1; j < rows.size(); j++) {
                    double s2 = 0;
                    for (int k = 0; k < d; k++) s2 += Math.pow(rows.get(i)[k] - rows.get(j)[k], 2);
                    closest = Math.min(closest, Math.sqrt(s2));
                }
            }
            System.out.printf("frozen tower: closest of %d centre patches %.3f apart, feature norm %.2f%n", rows.size(), closest, Math.sqrt(norm));
            assertThat(closest / Math.sqrt(norm)).isGreaterThan(0.05);
        }
    }

    @Test
    void demoAnswersWithSpeculationIdenticalToTargetOnly() throws Exception {
        for (String drafter : new String[] {"adapter", "language"}) {
            CliRun r = CliRun.of("demo", "--json", "--repeats", "1", "--drafter", drafter);
            assertThat(r.exitCode()).as(r.err()).isZero();
            JsonNode root = Json.MAPPER.readTree(r.out());
            assertThat(root.path("text").asText()).contains("The image shows");
            assertThat(root.path("stats").path("compare").path("identical").asBoolean()).isTrue();
            JsonNode spec = root.path("stats").path("speculative");
            assertThat(spec.path("block_efficiency").asDouble()).isGreaterThan(1.0);
            assertThat(spec.path("acceptance_by_position").size()).isEqualTo(4);
        }
    }
}
