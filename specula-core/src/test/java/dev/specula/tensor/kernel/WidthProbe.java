package dev.specula.tensor.kernel;

import dev.specula.Fixtures;
import dev.specula.model.ExpectedRun;
import dev.specula.model.LlamaModel;
import dev.specula.tensor.GgmlType;
import dev.specula.tensor.Matrix;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.TensorFormat;
import dev.specula.vision.ClipEncoder;
import dev.specula.vision.RgbImage;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * What {@link WidthInvarianceTest} compares between JVMs of different vector widths: the bits of every Java
 * product (each format, batches 1 to 5 and a tiled one) and of the logits and image embeddings of the fixture
 * models, one line {@code name hash} each. Run as a program, it prints its vector width first.
 */
public final class WidthProbe {
    private WidthProbe() {}

    public static void main(String[] args) throws IOException {
        System.out.println("lanes " + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length());
        probe().forEach((k, v) -> System.out.println(k + " " + v));
    }

    static Map<String, String> probe() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Parallel pool = new Parallel(2)) {
            products(pool, out);
            models(pool, out);
        }
        return out;
    }

    private static final GgmlType[] TYPES = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0, GgmlType.Q4_1,
            GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K,
            GgmlType.Q6_K};

    /** Rows 768 wide (three K-quant blocks; for Q4_0/Q8_0 a group of 16 blocks and a tail of 8) and 288 wide (F32/F16/BF16 tails). */
    private static void products(Parallel pool, Map<String, String> out) {
        for (GgmlType type : TYPES) {
            TensorFormat format = TensorFormat.of(type);
            for (int cols : type.blockSize() == 1 ? new int[] {768, 288} : new int[] {768}) {
                Random rnd = new Random(cols * 31L + type.ordinal());
                int rows = 36;
                float[] w = floats(rows * cols, rnd);
                long bytes = (long) rows * cols / type.blockSize() * type.typeSize();
                MemorySegment data = MemorySegment.ofArray(new byte[(int) bytes]);
                format.quantize(w, 0, rows * cols, data, 0);
                Matrix m = new Matrix("w", format, data, rows, cols);
                for (int batch : new int[] {1, 2, 3, 4, 5, 130}) {
                    float[] x = floats(batch * cols, rnd);
                    float[] y = new float[batch * rows];
                    m.multiply(pool, x, batch, y);
                    out.put(type + "x" + cols + "/batch" + batch, hash(y));
                }
            }
        }
    }

    /** Every recorded text run: its prompt, then four of llama.cpp's tokens; and the image embeddings of both towers. */
    private static void models(Parallel pool, Map<String, String> out) throws IOException {
        for (String name : ExpectedRun.textRuns().filter(n -> !n.contains("stories260K")).toList()) {
            ExpectedRun run = ExpectedRun.read(name);
            try (LlamaModel model = LlamaModel.open(run.modelPath(), pool, LlamaModel.Options.defaults())) {
                float[] logits = new float[model.vocabSize()];
                StringBuilder h = new StringBuilder();
                model.forward(run.prompt(), run.prompt().length, 1, logits);
                h.append(hash(logits));
                for (int i = 0; i < 4; i++) {
                    model.forward(new int[] {run.steps().get(i).token()}, 1, 1, logits);
                    h.append(',').append(hash(logits));
                }
                out.put(name, h.toString());
            }
        }
        byte[] rgb = Files.readAllBytes(Fixtures.own("expected/decoded_rgb/rgba_80x80.rgb"));
        RgbImage image = new RgbImage(80, 80, rgb);
        for (String mmproj : new String[] {"tiny-llava-mmproj-f16.gguf", "tiny-llava-mmproj-q8_0.gguf"}) {
            try (ClipEncoder encoder = ClipEncoder.open(Fixtures.own(mmproj), pool)) {
                out.put(mmproj, hash(encoder.embed(image).data()));
            }
        }
    }

    private static float[] floats(int n, Random rnd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    private static String hash(float[] a) {
        long h = 1125899906842597L;
        for (float v : a) h = 31 * h + Float.floatToRawIntBits(v);
        return Long.toHexString(h);
    }
}
