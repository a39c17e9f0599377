package dev.specula.synth;

import dev.specula.Fixtures;
import dev.specula.gguf.GgufFile;
import dev.specula.model.LlamaModel;
import dev.specula.tensor.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayerSkipDraftTest {
    @TempDir
    Path tmp;

    @Test
    void keepsTheFirstBlocksAndTheTargetsEmbeddingsAndOutput() throws Exception {
        Path out = tmp.resolve("draft.gguf");
        try (GgufFile target = GgufFile.open(Fixtures.own("tiny-llava-lm-q4_0.gguf"))) {
            LayerSkipDraft.write(target, 1, out, null);
            try (GgufFile draft = GgufFile.open(out); Parallel pool = new Parallel(1);
                 LlamaModel m = LlamaModel.load(draft, pool)) {
                assertThat(m.config().blockCount()).isEqualTo(1);
                assertThat(draft.hasTensor("blk.1.attn_q.weight")).isFalse();
                assertThat(draft.tensorData("output.weight").mismatch(target.tensorData("output.weight"))).isEqualTo(-1);
                assertThat(draft.metadata().getStringArray("tokenizer.ggml.tokens"))
                        .containsExactly(target.metadata().getStringArray("tokenizer.ggml.tokens"));
            }
        }
    }

    @Test
    void refusesToKeepEveryBlock() throws Exception {
        try (GgufFile target = GgufFile.open(Fixtures.own("tiny-draft-f16.gguf"))) {
            assertThatThrownBy(() -> LayerSkipDraft.write(target, 2, tmp.resolve("x.gguf"), null))
                    .hasMessageContaining("1 to 1");
        }
    }
}
