package dev.specula.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finished cells, one JSON object per line in {@code cells.jsonl}, appended as each cell ends. A rerun
 * over the same folder reads them back and skips those cells; a line cut short by a crash is ignored
 * (that cell runs again), and a later line for the same key wins.
 */
public final class CellStore {
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private final Path file;
    private final Map<String, CellResult> cells = new LinkedHashMap<>();

    private CellStore(Path file) {
        this.file = file;
    }

    public static CellStore open(Path dir) throws IOException {
        Files.createDirectories(dir);
        CellStore s = new CellStore(dir.resolve("cells.jsonl"));
        if (Files.exists(s.file)) {
            String text = Files.readString(s.file, StandardCharsets.UTF_8);
            // a line cut short by a crash must not swallow the next cell appended after it
            if (!text.isEmpty() && !text.endsWith("\n")) Files.writeString(s.file, "\n", StandardOpenOption.APPEND);
            for (String line : Files.readAllLines(s.file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                try {
                    CellResult r = JSON.readValue(line, CellResult.class);
                    s.cells.put(r.key(), r);
                } catch (IOException e) {
                    // an interrupted write: that cell is simply run again
                }
            }
        }
        return s;
    }

    public boolean has(String key) {
        return cells.containsKey(key);
    }

    public CellResult get(String key) {
        return cells.get(key);
    }

    public int size() {
        return cells.size();
    }

    public void add(CellResult r) {
        cells.put(r.key(), r);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            w.write(JSON.writeValueAsString(r));
            w.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
