package dev.specula.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.specula.model.LanguageModel;
import dev.specula.speculative.CostCurve;
import dev.specula.tensor.Backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Measures a model's forward-pass cost curve once per (file, thread count, backend) and keeps it in the
 * cache folder, so adaptive γ starts from this machine's real r(k) without paying for the measurement
 * on every run.
 */
final class CostCache {
    private static final int REPEATS = 3;

    private CostCache() {}

    static CostCurve get(Path modelFile, LanguageModel model, int maxK, int threads) throws IOException {
        String key = modelFile.toAbsolutePath().normalize() + "|" + Files.size(modelFile) + "|"
                + Files.getLastModifiedTime(modelFile).toMillis() + "|" + threads + "|" + Backend.describe() + "|" + maxK;
        String name = HexFormat.of().formatHex(sha256(key)).substring(0, 24) + ".json";
        Path file = DefaultWorld.folder().resolveSibling("cost").resolve(name);
        if (Files.exists(file)) {
            try {
                var node = Json.MAPPER.readTree(file.toFile()).get("seconds");
                double[] s = new double[node.size()];
                for (int i = 0; i < s.length; i++) s[i] = node.get(i).asDouble();
                if (s.length >= maxK) return new CostCurve(s);
            } catch (Exception e) {
                // a damaged cache entry is measured again
            }
        }
        CostCurve curve = CostCurve.measure(model, maxK, REPEATS);
        Files.createDirectories(file.getParent());
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("model", modelFile.toString());
        root.put("threads", threads);
        root.put("backend", Backend.describe());
        ArrayNode arr = root.putArray("seconds");
        for (double s : curve.seconds()) arr.add(s);
        Files.writeString(file, Json.MAPPER.writeValueAsString(root));
        return curve;
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
