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
