package dev.specula.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.specula.engine.Engine;
import dev.specula.engine.EngineConfig;
import dev.specula.gguf.GgufFile;
import dev.specula.train.SceneWorld;
import dev.specula.train.WorldAccuracy;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

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
