package dev.specula.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CellStoreTest {

    @TempDir
    Path tmp;

    static CellResult cell(int gamma) {
        return new CellResult("caption", "caption", "ngram-3", false, gamma, 0, 2, 16, "m", 1.5, 0.5, new double[] {0.6, 0.4},
                2, 0, 1.5, 0, 1.2, 1.1, 1.3, new double[] {1, 1.1, 1.2}, 100, 120, 50, 40, 32, 32, "rouge-l-f", 0.5, 0.5,
                1.0, List.of());
    }

    @Test
    void cellsSurviveAReopenAndALineCutShortByACrashIsRunAgain() throws Exception {
        CellStore s = CellStore.open(tmp);
        s.add(cell(1));
        Files.writeString(tmp.resolve("cells.jsonl"), "{\"task\":\"caption\",\"dra", StandardOpenOption.APPEND);

        CellStore reopened = CellStore.open(tmp);
        assertThat(reopened.size()).isEqualTo(1);
        assertThat(reopened.get(cell(1).key()).acceptanceByPosition()).containsExactly(0.6, 0.4);
        reopened.add(cell(2));
        assertThat(CellStore.open(tmp).has(cell(2).key())).as("a cell appended after the cut line").isTrue();
    }
}
