package dev.specula.tensor.gen;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-unrolled kernels in the sources are what {@link KernelSourceGenerator} writes, byte for byte. */
class GeneratedKernelsTest {

    /** The tensor sources, from the module folder (where Maven runs tests) or from the repository root. */
    private static Path tensorSources() {
        Path fromModule = Path.of("src/main/java/dev/specula/tensor");
        return Files.isDirectory(fromModule) ? fromModule : KernelSourceGenerator.TENSOR;
    }

    @Test
    void checkedInKernelsAreTheGeneratorsOutput() throws IOException {
        for (KernelSourceGenerator.Target t : KernelSourceGenerator.targets()) {
            String source = Files.readString(tensorSources().resolve(t.file()));
            assertThat(KernelSourceGenerator.generated(source))
                    .as("%s differs from KernelSourceGenerator's output: change the generator, then run (from the "
                            + "repository root) java specula-core/src/test/java/dev/specula/tensor/gen/KernelSourceGenerator.java", t.file())
                    .isEqualTo(t.kernels());
        }
    }

    @Test
    void aKernelEditedByHandIsCaughtAndRegenerationRestoresIt() throws IOException {
        KernelSourceGenerator.Target t = KernelSourceGenerator.targets().getFirst();
        String source = Files.readString(tensorSources().resolve(t.file()));
        String edited = source.replace("out[o + dr] = laneSum(lanes, 16);", "out[o + dr] = laneSum(lanes, 17);");
        assertThat(edited).isNotEqualTo(source);
        assertThat(KernelSourceGenerator.generated(edited)).isNotEqualTo(t.kernels());
        assertThat(KernelSourceGenerator.splice(edited, t.kernels())).isEqualTo(source);
    }
}
