package dev.specula.bench;

import dev.specula.cli.DemoModels;
import dev.specula.engine.Engine;
import dev.specula.engine.EngineConfig;
import dev.specula.engine.EngineSeams;
import dev.specula.train.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A verifier that accepts a token the target rejected must show up as non-identical greedy output. */
class BrokenVerifierBenchTest {
    private static final Path FIXTURES = Path.of(System.getProperty("specula.testFixtures", "../specula-core/src/test/resources/fixtures"));

    @TempDir
    Path tmp;

    @Test
    void brokenVerifierIsReportedAsNonIdenticalOutput() throws Exception {
        Path target = FIXTURES.resolve("tiny-llava-lm-f16.gguf");
        Path mmproj = FIXTURES.resolve("tiny-llava-mmproj-f16.gguf");
        Path draft = FIXTURES.resolve("tiny-draft-f16.gguf");
        DrafterSpec sound = DrafterSpec.model("sound", draft, null);
        DrafterSpec broken = DrafterSpec.model("broken", draft, null);
        var plan = new BenchRun.Plan(List.of(TaskSets.demo(Task.CAPTION, DemoModels.WORLD_SEED, 2, 112)),
                List.of(sound, broken), List.of(3), List.of(0.0), 12, "test", 0);
        BenchRun.Engines engines = new BenchRun.Engines() {
            @Override
            public Engine load(DrafterSpec d) throws IOException {
                Engine e = Engine.load(d.configure(EngineConfig.of(target).withMmproj(mmproj).withContextLength(512)), null);
                if (d.name().equals("broken")) EngineSeams.breakVerifier(e);
                return e;
            }

            @Override
            public Costs costs(Engine engine, DrafterSpec d, int maxGamma) {
                return new Costs(new double[] {1, 1.1, 1.2, 1.3}, 0.2);
            }
        };
        List<CellResult> cells = BenchRun.run(plan, CellStore.open(tmp), engines,
                (s, sampling, n) -> dev.specula.train.WorldExamples.request(s.prompt(), s.image(), sampling, n), new BenchRun.Observer() {
                    @Override
                    public void generated() {}

                    @Override
                    public void cell(CellResult r) {}
                });

        assertThat(cells).extracting(CellResult::drafter).containsExactly("sound", "broken");
        assertThat(cells.get(0).identicalFraction()).as("the real verifier is lossless").isEqualTo(1.0);
        assertThat(cells.get(1).identicalFraction()).as("the broken verifier").isLessThan(1.0);
        assertThat(cells.get(1).mismatched()).isNotEmpty();
        assertThat(Report.mismatches(cells)).containsExactly(cells.get(1));
        Report.write(tmp, cells, "test", "test");
        assertThat(Files.readString(tmp.resolve("results.md"))).contains("WARNING", "broken");
    }
}
