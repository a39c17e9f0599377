package dev.specula.vision;

import dev.specula.Fixtures;
import dev.specula.gguf.GgufValue;
import dev.specula.gguf.GgufValueType;
import dev.specula.tensor.GgmlType;
import dev.specula.tensor.Parallel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withPrecision;

/** Loading mmproj and projector files: what is refused and how, and the adapter-only projector file. */
class VisionFilesTest {
    private static Parallel pool;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startPool() {
        pool = new Parallel(2);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    private static Path tinyMmproj() {
        return Fixtures.own("tiny-llava-mmproj-f16.gguf");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ldp", "ldpv2", "resampler", "pixtral", "qwen2vl_merger", "gemma3"})
    void refusesProjectorTypesOtherThanMlpNamingThem(String type) throws IOException {
        Path f = MmprojFiles.rewrite(tinyMmproj(), tmp.resolve(type + ".gguf"),
                md -> md.put("clip.projector_type", GgufValue.of(type)), name -> true);
        assertThatThrownBy(() -> ClipEncoder.open(f, pool))
                .isInstanceOf(VisionFormatException.class)
                .hasMessageContaining("'" + type + "'")
                .hasMessageContaining(f.toString())
                .hasMessageContaining("'mlp'");
        assertThatThrownBy(() -> Projector.open(f, pool)).isInstanceOf(VisionFormatException.class).hasMessageContaining("'" + type + "'");
    }

    @Test
    void refusesAMissingProjectorType() throws IOException {
        Path f = MmprojFiles.rewrite(tinyMmproj(), tmp.resolve("none.gguf"), md -> md.remove("clip.projector_type"), name -> true);
        assertThatThrownBy(() -> ClipEncoder.open(f, pool)).isInstanceOf(VisionFormatException.class)
                .hasMessageContaining("clip.projector_type is missing");
    }

    @Test
    void refusesALanguageModelFile() {
        Path lm = Fixtures.own("tiny-llava-lm-f16.gguf");
        assertThatThrownBy(() -> ClipEncoder.open(lm, pool)).isInstanceOf(VisionFormatException.class)
                .hasMessageContaining("not an mmproj file").hasMessageContaining("'llama'");
    }

    @Test
    void refusesLlava16GridPinpoints() throws IOException {
        Path f = MmprojFiles.rewrite(tinyMmproj(), tmp.resolve("pin.gguf"), md -> md.put("clip.vision.image_grid_pinpoints",
                GgufValue.ofArray(GgufValueType.INT32, new long[]{336, 672, 672, 336})), name -> true);
        assertThatThrownBy(() -> ClipEncoder.open(f, pool)).isInstanceOf(VisionFormatException.class)
                .hasMessageContaining("pinpoints");
    }

    @Test
    void refusesALanguageModelOfAnotherWidth() throws IOException {
        try (ClipEncoder enc = ClipEncoder.open(tinyMmproj(), pool)) {
            enc.checkLanguageModelWidth(256);
            assertThatThrownBy(() -> enc.checkLanguageModelWidth(4096)).isInstanceOf(VisionFormatException.class)
                    .hasMessageContaining("256").hasMessageContaining("4096").hasMessageContaining(tinyMmproj().toString());
        }
    }

    @Test
    void refusesAMissingTensorByName() throws IOException {
        Path f = MmprojFiles.rewrite(tinyMmproj(), tmp.resolve("cut.gguf"), md -> {}, name -> !name.equals("v.blk.1.attn_k.weight"));
        assertThatThrownBy(() -> ClipEncoder.open(f, pool)).isInstanceOf(VisionFormatException.class)
                .hasMessageContaining("v.blk.1.attn_k.weight").hasMessageContaining("missing");
    }

    @Test
    void anExplicitFeatureLayerEqualToTheDefaultChangesNothing() throws IOException {
        Path f = MmprojFiles.rewrite(tinyMmproj(), tmp.resolve("fl.gguf"), md -> md.put("clip.vision.feature_layer",
                GgufValue.ofArray(GgufValueType.INT32, new long[]{2})), name -> true);
        float[] pixels = randomPixels(112, 1);
        try (ClipEncoder a = ClipEncoder.open(tinyMmproj(), pool); ClipEncoder b = ClipEncoder.open(f, pool)) {
            assertThat(b.config().blocksToRun()).isEqualTo(2);
            // equal up to rounding: the Vector API's lane reductions may sum in another order once JIT-compiled
            assertThat(b.encodeFeatures(pixels).data()).containsExactly(a.encodeFeatures(pixels).data(), withPrecision(1e-5f));
        }
    }

    @Test
    void stackedFeatureLayersWidenTheFeaturesAndMustFitTheProjector() throws IOException {
        Path f = MmprojFiles.rewrite(tinyMmproj(), tmp.resolve("fl2.gguf"), md -> md.put("clip.vision.feature_layer",
                GgufValue.ofArray(GgufValueType.INT32, new long[]{0, 2})), name -> true);
        assertThatThrownBy(() -> ClipEncoder.open(f, pool)).isInstanceOf(VisionFormatException.class)
                .hasMessageContaining("mm.0 takes features of width 128").hasMessageContaining("256");
    }

    @Test
    void projectorLoadsAloneFromAnAdapterFileAndAgreesWithTheMmproj() throws IOException {
        Path adapter = MmprojFiles.rewrite(tinyMmproj(), tmp.resolve("adapter.gguf"), md -> {
            md.keySet().removeIf(k -> k.startsWith("clip.vision"));
            md.put("general.architecture", GgufValue.of("clip"));
        }, name -> name.startsWith("mm."));
        float[] pixels = randomPixels(112, 2);
        try (ClipEncoder enc = ClipEncoder.open(tinyMmproj(), pool); Projector alone = Projector.open(adapter, pool)) {
            ImageFeatures features = enc.encodeFeatures(pixels);
            assertThat(features.tokens()).isEqualTo(64);
            assertThat(features.width()).isEqualTo(128);
            assertThat(alone.inputWidth()).isEqualTo(128);
            assertThat(alone.outputWidth()).isEqualTo(256);
            assertThat(alone.project(features).data()).containsExactly(enc.project(features).data(), withPrecision(1e-5f));
        }
    }

    @Test
    void synthesizedTinyMmprojRunsEndToEnd() throws IOException {
        for (GgmlType type : new GgmlType[]{GgmlType.F16, GgmlType.F32}) {
            Path f = tmp.resolve("synth-" + type + ".gguf");
            MmprojSynth.write(f, MmprojShape.named("tiny"), type, 5, null);
            try (ClipEncoder enc = ClipEncoder.open(f, pool)) {
                assertThat(enc.config().imageSize()).isEqualTo(112);
                assertThat(enc.config().blocksToRun()).isEqualTo(2);
                enc.checkLanguageModelWidth(256);
                ImageEmbedding e = enc.embed(new RgbImage(40, 30, new byte[40 * 30 * 3]));
                assertThat(e.tokens()).isEqualTo(64);
                assertThat(e.width()).isEqualTo(256);
                for (float v : e.data()) assertThat(Float.isFinite(v)).isTrue();
            }
        }
    }

    @Test
    void synthRefusesTypesWhoseBlocksDoNotFitTheRows() {
        assertThatThrownBy(() -> MmprojSynth.write(tmp.resolve("x.gguf"), MmprojShape.named("tiny"), GgmlType.Q4_K, 1, null))
                .hasMessageContaining("multiples of 256");
    }

    @Test
    void namedClipVitL336ShapeIsLlava15s() {
        MmprojShape s = MmprojShape.named("clip-vit-l-336");
        assertThat(s.patches()).isEqualTo(576);
        assertThat(s.embedding()).isEqualTo(1024);
        assertThat(s.projection()).isEqualTo(4096);
        assertThatThrownBy(() -> MmprojShape.named("vit-h")).hasMessageContaining("clip-vit-l-336");
    }

    static float[] randomPixels(int size, long seed) {
        Random rnd = new Random(seed);
        float[] px = new float[3 * size * size];
        for (int i = 0; i < px.length; i++) px[i] = (float) rnd.nextGaussian();
        return px;
    }
}
