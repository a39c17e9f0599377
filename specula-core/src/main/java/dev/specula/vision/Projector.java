package dev.specula.vision;

import dev.specula.gguf.GgufFile;
import dev.specula.tensor.Matrix;
import dev.specula.tensor.Parallel;

import java.io.IOException;
import java.nio.file.Path;

/**
 * LLaVA-1.5's projector: {@code mm.0} (linear, bias) → GELU → {@code mm.2} (linear, bias), mapping vision
 * features to the language model's embedding width. It loads from a full mmproj file or from an
 * adapter file that holds only {@code mm.0.*} / {@code mm.2.*}, which is how a draft model ships its own.
 */
public final class Projector implements AutoCloseable {
    private final String source;
    private final Parallel pool;
    private final GgufFile owned;
    private final Matrix first;
    private final float[] firstBias;
    private final Matrix second;
    private final float[] secondBias;

    private Projector(String source, Parallel pool, GgufFile owned, Matrix first, float[] firstBias,
                      Matrix second, float[] secondBias) {
        this.source = source;
        this.pool = pool;
        this.owned = owned;
        this.first = first;
        this.firstBias = firstBias;
        this.second = second;
        this.secondBias = secondBias;
    }

    /** Opens a projector file; closing the projector closes the file. */
    public static Projector open(Path path, Parallel pool) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            return create(file, pool, file);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The projector of an open file, which must stay open while the projector is used. */
    public static Projector load(GgufFile file, Parallel pool) {
        return create(file, pool, null);
    }

    private static Projector create(GgufFile file, Parallel pool, GgufFile owned) {
        String source = file.describe();
        String type = file.metadata().getString("clip.projector_type", "mlp");
        ClipConfig.requireMlp(type, source);
        Weights w = new Weights(file);
        if (w.has("mm.3.weight")) {
            throw new VisionFormatException(source + ": projector type 'mlp_norm' (mm.0..mm.4 with layer norms) is not supported;"
                    + " Specula runs LLaVA-1.5 mmproj files with projector type 'mlp'");
        }
        long[] shape0 = w.info("mm.0.weight").shape();
        int in = (int) shape0[0];
        int hidden = (int) (w.info("mm.0.weight").elementCount() / in);
        Matrix first = w.matrix("mm.0.weight", hidden, in);
        float[] firstBias = w.vector("mm.0.bias", hidden);
        Matrix second = null;
        float[] secondBias = null;
        if (w.has("mm.2.weight")) {
            int out = (int) (w.info("mm.2.weight").elementCount() / hidden);
            second = w.matrix("mm.2.weight", out, hidden);
            secondBias = w.vector("mm.2.bias", out);
        }
        return new Projector(source, pool, owned, first, firstBias, second, secondBias);
    }

    /** Width of the vision features this projector takes. */
    public int inputWidth() {
        return first.cols();
    }

    /** Width of the embeddings it produces: the language model's embedding length. */
    public int outputWidth() {
        return second != null ? second.rows() : first.rows();
    }

    /** Refuses a language model whose embedding width is not this projector's output width. */
    public void checkLanguageModelWidth(int languageModelWidth) {
        if (outputWidth() != languageModelWidth) {
            throw new VisionFormatException(source + " projects images to width " + outputWidth()
                    + " but the language model's embedding length is " + languageModelWidth + "; they are not a pair");
        }
    }

    /** All feature rows in one batch through mm.0, GELU and mm.2. */
    public ImageEmbedding project(ImageFeatures features) {
        if (features.width() != inputWidth()) {
            throw new IllegalArgumentException("features of width " + features.width() + " given to a projector taking "
                    + inputWidth() + " (" + source + ")");
        }
        int n = features.tokens();
        float[] hidden = new float[n * first.rows()];
        first.multiply(pool, features.data(), n, hidden);
        VisionOps.addBias(hidden, n, firstBias);
        VisionOps.gelu(hidden, hidden.length);
        if (second == null) {
            return new ImageEmbedding(n, first.rows(), hidden);
        }
        float[] out = new float[n * second.rows()];
        second.multiply(pool, hidden, n, out);
        VisionOps.addBias(out, n, secondBias);
        return new ImageEmbedding(n, second.rows(), out);
    }

    @Override
    public void close() {
        if (owned != null) owned.close();
    }
}
