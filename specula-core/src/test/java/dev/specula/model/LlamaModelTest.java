package dev.specula.model;

import dev.specula.Fixtures;
import dev.specula.gguf.GgufFile;
import dev.specula.gguf.GgufWriter;
import dev.specula.gguf.GgufWriter.TensorSpec;
import dev.specula.gguf.TensorInfo;
import dev.specula.sampling.Sampler;
import dev.specula.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LlamaModelTest {
    private static final Path DIVERSE = Fixtures.own("tiny-llava-lm-diverse-f16.gguf");
    private static final Path DRAFT = Fixtures.own("tiny-draft-f16.gguf");

    @TempDir
    Path tmp;

    @Test
    void configIsReadFromMetadataAndEmbeddingShape() {
        try (GgufFile f = TestModels.gguf(Fixtures.own("tiny-llava-lm-f16.gguf"))) {
            LlamaConfig c = LlamaConfig.from(f);
            assertThat(c).isEqualTo(new LlamaConfig(256, 4, 8, 2, 32, 768, 32, 10000f, 1f, 1e-5f, 2048, 512));
            assertThat(c.kvGroups()).isEqualTo(4);
            assertThat(c.kvLength()).isEqualTo(64);
            assertThat(c.queryLength()).isEqualTo(256);
        }
        try (GgufFile f = TestModels.gguf(Fixtures.shared("stories260K.gguf"))) {
            LlamaConfig c = LlamaConfig.from(f);
            assertThat(List.of(c.embeddingLength(), c.blockCount(), c.headCount(), c.headCountKv(), c.headSize(),
                    c.feedForwardLength(), c.contextLength(), c.vocabSize())).containsExactly(64, 5, 8, 4, 8, 172, 128, 512);
        }
    }

    @Test
    void rejectsOtherArchitecturesByName() {
        try (GgufFile f = TestModels.gguf(Fixtures.own("tiny-llava-mmproj-f16.gguf"))) {
            assertThatThrownBy(() -> LlamaConfig.from(f)).hasMessageContaining("architecture 'clip'");
        }
    }

    @Test
    void unsupportedTensorTypeFailsNamingTypeAndTensor() throws IOException {
        Path file = rewrite(DRAFT, "iq4.gguf", t -> t.name().equals("blk.1.ffn_up.weight")
                ? new TensorSpec(t.name(), GgmlType.IQ4_NL, t.shape()) : spec(t), null);
        assertThatThrownBy(() -> LlamaModel.open(file, TestModels.POOL, LlamaModel.Options.defaults()))
                .hasMessageContaining("blk.1.ffn_up.weight").hasMessageContaining("IQ4_NL");
    }

    @Test
    void batchedPassEqualsOneTokenAtATime() {
        Random r = new Random(11);
        for (Path path : List.of(DIVERSE, DRAFT)) {
            try (LlamaModel batched = TestModels.open(path); LlamaModel single = TestModels.open(path);
                 LlamaModel chunked = TestModels.open(path, LlamaModel.Options.defaults().withMaxBatch(3))) {
                int vocab = batched.vocabSize();
                for (int trial = 0; trial < 4; trial++) {
                    int k = 1 + r.nextInt(12);
                    int[] tokens = randomTokens(r, k, vocab);
                    float[] all = new float[k * vocab];
                    float[] allChunked = new float[k * vocab];
                    batched.forward(tokens, k, k, all);
                    chunked.forward(tokens, k, k, allChunked);
                    float[] one = new float[vocab];
                    for (int i = 0; i < k; i++) {
                        single.forward(new int[]{tokens[i]}, 1, 1, one);
                        float tolerance = 1e-4f * maxAbs(one, 0, vocab);
                        for (int t = 0; t < vocab; t++) {
                            assertThat(all[i * vocab + t]).as("%s row %d token %d", path.getFileName(), i, t).isCloseTo(one[t], within(tolerance));
                            assertThat(allChunked[i * vocab + t]).isCloseTo(one[t], within(tolerance));
                        }
                    }
                    assertThat(batched.position()).isEqualTo(single.position()).isEqualTo(chunked.position());
                }
            }
        }
    }

    @Test
    void rollingBackTheCacheForgetsTheDiscardedTokens() {
        Random r = new Random(5);
        try (LlamaModel model = TestModels.open(DIVERSE)) {
            int vocab = model.vocabSize();
            for (int trial = 0; trial < 5; trial++) {
                model.truncate(0);
                int[] prompt = randomTokens(r, 1 + r.nextInt(8), vocab);
                float[] logits = new float[vocab];
                model.forward(prompt, prompt.length, 1, logits);
                int steps = 12;
                int[] tokens = new int[steps];
                float[][] seen = new float[steps][];
                for (int i = 0; i < steps; i++) {
                    seen[i] = logits.clone();
                    tokens[i] = Sampler.argmax(logits, 0, vocab);
                    if (i + 1 < steps) model.forward(new int[]{tokens[i]}, 1, 1, logits);
                }
                int k = 1 + r.nextInt(steps - 2);
                int keep = model.position() - k;
                model.truncate(keep);
                // Fill the discarded positions with other tokens, then roll back again: nothing of them may remain.
                model.forward(randomTokens(r, k + 3, vocab), k + 3, 0, null);
                model.truncate(keep);
                int from = steps - 1 - k;
                model.forward(new int[]{tokens[from]}, 1, 1, logits);
                for (int i = from + 1; i < steps; i++) {
                    assertThat(logits).as("trial %d, k %d, step %d", trial, k, i).containsExactly(seen[i]);
                    assertThat(Sampler.argmax(logits, 0, vocab)).isEqualTo(tokens[i]);
                    if (i + 1 < steps) model.forward(new int[]{tokens[i]}, 1, 1, logits);
                }
            }
        }
    }

    @Test
    void embeddingInputEqualsTokenInput() {
        try (LlamaModel a = TestModels.open(DRAFT); LlamaModel b = TestModels.open(DRAFT)) {
            int[] tokens = {1, 410, 471, 437, 459};
            int dim = a.embeddingLength();
            float[] embeddings = new float[tokens.length * dim];
            for (int i = 0; i < tokens.length; i++) b.embed(tokens[i], embeddings, i * dim);
            float[] la = new float[2 * a.vocabSize()], lb = new float[2 * b.vocabSize()];
            a.forward(tokens, tokens.length, 2, la);
            b.forwardEmbeddings(embeddings, tokens.length, 2, lb);
            assertThat(lb).containsExactly(la);
        }
    }

    @Test
    void tiedEmbeddingsServeAsOutputWhenOutputIsAbsent() throws IOException {
        Path tied = rewrite(DRAFT, "tied.gguf", t -> t.name().equals("output.weight") ? null : spec(t), null);
        Path copied;
        try (GgufFile f = TestModels.gguf(DRAFT)) {
            byte[] embeddings = f.tensorData("token_embd.weight").toArray(ValueLayout.JAVA_BYTE);
            copied = rewrite(DRAFT, "copied.gguf", LlamaModelTest::spec, t -> t.name().equals("output.weight") ? embeddings : null);
        }
        try (LlamaModel a = TestModels.open(tied); LlamaModel b = TestModels.open(copied); LlamaModel original = TestModels.open(DRAFT)) {
            int[] tokens = {1, 410, 471};
            float[] la = new float[a.vocabSize()], lb = new float[a.vocabSize()], lo = new float[a.vocabSize()];
            a.forward(tokens, 3, 1, la);
            b.forward(tokens, 3, 1, lb);
            original.forward(tokens, 3, 1, lo);
            assertThat(la).containsExactly(lb);
            assertThat(la).isNotEqualTo(lo);
        }
    }

    @Test
    void rejectsInputBeyondTheContext() {
        try (LlamaModel model = TestModels.open(DRAFT, LlamaModel.Options.defaults().withContextLength(16))) {
            float[] logits = new float[model.vocabSize()];
            assertThat(model.contextLength()).isEqualTo(16);
            assertThatThrownBy(() -> model.forward(new int[17], 17, 1, logits)).hasMessageContaining("context length of 16");
            model.forward(new int[10], 10, 1, logits);
            assertThatThrownBy(() -> model.forward(new int[7], 7, 1, logits)).hasMessageContaining("at position 10");
            model.forward(new int[6], 6, 1, logits);
            assertThat(model.position()).isEqualTo(16);
        }
    }

    @Test
    void rejectsTokensOutsideTheVocabulary() {
        try (LlamaModel model = TestModels.open(DRAFT)) {
            float[] logits = new float[model.vocabSize()];
            assertThatThrownBy(() -> model.forward(new int[]{1, 512}, 2, 1, logits)).hasMessageContaining("512");
            assertThatThrownBy(() -> model.forward(new int[]{-1}, 1, 1, logits)).hasMessageContaining("-1");
            assertThat(model.position()).isZero();
        }
    }

    @Test
    void countsParametersAndReportsLoadProgress() {
        List<Double> progress = new ArrayList<>();
        try (LlamaModel model = TestModels.open(DRAFT, LlamaModel.Options.defaults().withProgress(progress::add))) {
            long perLayer = 2L * 128 * 128 + 2L * 128 * 64 + 3L * 128 * 384 + 2L * 128;
            assertThat(model.parameterCount()).isEqualTo(2L * 512 * 128 + 128 + 2 * perLayer);
        }
        assertThat(progress).isSorted().first().isEqualTo(0.0);
        assertThat(progress).last().isEqualTo(1.0);
    }

    private static TensorSpec spec(TensorInfo t) {
        return new TensorSpec(t.name(), t.type(), t.shape());
    }

    /** Copies a GGUF, changing tensors: {@code specs} may drop (null) or retype one; {@code data} may replace bytes (null keeps them, zeros for a retyped tensor). */
    private Path rewrite(Path source, String name, Function<TensorInfo, TensorSpec> specs, Function<TensorInfo, byte[]> data) throws IOException {
        Path out = tmp.resolve(name);
        try (GgufFile f = TestModels.gguf(source)) {
            List<TensorSpec> kept = new ArrayList<>();
            List<TensorInfo> infos = new ArrayList<>();
            for (TensorInfo t : f.tensors().values()) {
                TensorSpec s = specs.apply(t);
                if (s == null) continue;
                kept.add(s);
                infos.add(t);
            }
            try (GgufWriter w = new GgufWriter(out, f.metadata().asMap(), kept)) {
                for (int i = 0; i < kept.size(); i++) {
                    TensorInfo t = infos.get(i);
                    byte[] bytes = data != null ? data.apply(t) : null;
                    if (bytes == null) {
                        bytes = kept.get(i).type() == t.type() ? f.tensorData(t).toArray(ValueLayout.JAVA_BYTE) : new byte[(int) kept.get(i).byteSize()];
                    }
                    w.write(bytes);
                }
            }
        }
        return out;
    }

    private static int[] randomTokens(Random r, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(vocab);
        return t;
    }

    private static float maxAbs(float[] x, int offset, int n) {
        float m = 0;
        for (int i = 0; i < n; i++) m = Math.max(m, Math.abs(x[offset + i]));
        return m;
    }
}
