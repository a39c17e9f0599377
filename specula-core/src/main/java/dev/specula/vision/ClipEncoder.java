package dev.specula.vision;

import dev.specula.gguf.GgufFile;
import dev.specula.tensor.Matrix;
import dev.specula.tensor.Parallel;
import dev.specula.tensor.kernel.TiledAttention;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The CLIP vision tower of a LLaVA-1.5 mmproj file, computed as llama.cpp's llava graph does: patch
 * embedding (a 14x14 stride-14 convolution without bias, i.e. one matrix product over the unfolded
 * patches), the class embedding appended AFTER the patches, position embeddings, pre-LN, the
 * transformer blocks (non-causal attention), optional post-LN, then the rows llama.cpp keeps.
 *
 * <p>Every linear layer runs over all positions in one batch. One image at a time: calls must not overlap
 * on the same thread pool.
 */
public final class ClipEncoder implements AutoCloseable {

    private record Block(float[] ln1w, float[] ln1b, Matrix q, float[] qb, Matrix k, float[] kb, Matrix v, float[] vb,
                         Matrix out, float[] outb, float[] ln2w, float[] ln2b, Matrix up, float[] upb,
                         Matrix down, float[] downb) {}

    private final ClipConfig config;
    private final Parallel pool;
    private final GgufFile owned;
    private final Matrix patchEmbedding;
    private final float[] patchBias;
    private final float[] classEmbedding;
    private final float[] positions;
    private final float[] preLnW, preLnB, postLnW, postLnB;
    private final Block[] blocks;
    private final Projector projector;
    private final ImagePreprocessor preprocessor;

    private ClipEncoder(GgufFile file, Parallel pool, GgufFile owned) {
        String source = file.describe();
        this.config = ClipConfig.from(file.metadata(), source);
        this.pool = pool;
        this.owned = owned;
        this.preprocessor = ImagePreprocessor.of(config);
        Weights w = new Weights(file);
        int d = config.embedding(), p = config.patchSize();
        patchEmbedding = w.matrix("v.patch_embd.weight", d, 3 * p * p);
        patchBias = w.optionalVector("v.patch_embd.bias", d);
        classEmbedding = w.optionalVector("v.class_embd", d);
        int nPos = positionCount();
        float[] pos = w.floats(w.info("v.position_embd.weight"));
        if (w.info("v.position_embd.weight").shape()[0] != d || pos.length < nPos * d) {
            throw new VisionFormatException(source + ": v.position_embd.weight holds " + pos.length / d + " positions of width "
                    + w.info("v.position_embd.weight").shape()[0] + ", " + nPos + " of width " + d + " needed");
        }
        positions = pos;
        preLnW = w.optionalVector("v.pre_ln.weight", d);
        preLnB = w.optionalVector("v.pre_ln.bias", d);
        postLnW = w.optionalVector("v.post_ln.weight", d);
        postLnB = w.optionalVector("v.post_ln.bias", d);
        blocks = new Block[config.blocksToRun()];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = block(w, i);
        }
        projector = Projector.load(file, pool);
        if (projector.inputWidth() != config.featureWidth()) {
            throw new VisionFormatException(source + ": mm.0 takes features of width " + projector.inputWidth()
                    + " but the vision tower gives " + config.featureWidth());
        }
    }

    private Block block(Weights w, int i) {
        int d = config.embedding(), ff = config.feedForward();
        String b = "v.blk." + i + ".";
        // Legacy LLaVA converters stored fc1 as ffn_down and fc2 as ffn_up; llama.cpp spots that by the
        // shape (ffn_down taking n_embd inputs) and swaps them back, biases included.
        boolean swapped = w.info(b + "ffn_down.weight").shape()[0] == d;
        String up = swapped ? "ffn_down" : "ffn_up";
        String down = swapped ? "ffn_up" : "ffn_down";
        return new Block(
                w.vector(b + "ln1.weight", d), w.vector(b + "ln1.bias", d),
                w.matrix(b + "attn_q.weight", d, d), w.vector(b + "attn_q.bias", d),
                w.matrix(b + "attn_k.weight", d, d), w.vector(b + "attn_k.bias", d),
                w.matrix(b + "attn_v.weight", d, d), w.vector(b + "attn_v.bias", d),
                w.matrix(b + "attn_out.weight", d, d), w.vector(b + "attn_out.bias", d),
                w.vector(b + "ln2.weight", d), w.vector(b + "ln2.bias", d),
                w.matrix(b + up + ".weight", ff, d), w.vector(b + up + ".bias", ff),
                w.matrix(b + down + ".weight", d, ff), w.vector(b + down + ".bias", d));
    }

    /** Opens an mmproj file; closing the encoder closes the file. */
    public static ClipEncoder open(Path mmproj, Parallel pool) throws IOException {
        GgufFile file = GgufFile.open(mmproj);
        try {
            return new ClipEncoder(file, pool, file);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The encoder of an open mmproj file, which must stay open while the encoder is used. */
    public static ClipEncoder load(GgufFile file, Parallel pool) {
        return new ClipEncoder(file, pool, null);
    }

    public ClipConfig config() {
        return config;
    }

    public ImagePreprocessor preprocessor() {
        return preprocessor;
    }

    public Projector projector() {
        return projector;
    }

    /** Image tokens per image. */
    public int tokensPerImage() {
        return config.patches();
    }

    /** Refuses a language model whose embedding width differs from the projection width. */
    public void checkLanguageModelWidth(int languageModelWidth) {
        projector.checkLanguageModelWidth(languageModelWidth);
    }

    /** Decoded image → preprocessing → tower → projector: the embeddings to feed the language model. */
    public ImageEmbedding embed(RgbImage image) {
        return project(encodeFeatures(preprocessor.preprocess(image)));
    }

    public ImageEmbedding project(ImageFeatures features) {
        return projector.project(features);
    }

    private int positionCount() {
        return config.patches() + (classEmbedding != null ? 1 : 0);
    }

    /**
     * Runs the tower on preprocessed pixels ({@link ImagePreprocessor#preprocess}: 3 planes of
     * image_size² floats, R then G then B) and returns the features before the projector.
     */
    public ImageFeatures encodeFeatures(float[] pixels) {
        int s = config.imageSize(), p = config.patchSize(), side = config.patchesPerSide();
        int d = config.embedding(), nPatches = config.patches(), nPos = positionCount();
        if (pixels.length != 3 * s * s) {
            throw new IllegalArgumentException("expected 3 x " + s + " x " + s + " pixels, got " + pixels.length + " values");
        }
        // Unfold: one row of (channel, ky, kx) values per patch, the layout of the conv weight.
        int k = 3 * p * p;
        float[] unfolded = new float[nPatches * k];
        for (int py = 0; py < side; py++) {
            for (int px = 0; px < side; px++) {
                int o = (py * side + px) * k;
                for (int c = 0; c < 3; c++) {
                    for (int ky = 0; ky < p; ky++) {
                        System.arraycopy(pixels, c * s * s + (py * p + ky) * s + px * p, unfolded, o, p);
                        o += p;
                    }
                }
            }
        }
        float[] x = new float[nPos * d];
        patchEmbedding.multiply(pool, unfolded, nPatches, x);
        if (patchBias != null) VisionOps.addBias(x, nPatches, patchBias);
        if (classEmbedding != null) System.arraycopy(classEmbedding, 0, x, nPatches * d, d);
        VisionOps.add(x, positions, nPos * d);
        if (preLnW != null) VisionOps.layerNorm(x, nPos, d, preLnW, preLnB, config.layerNormEps(), x);

        int[] featureLayers = config.featureLayers();
        float[][] stack = new float[featureLayers.length][];
        int stacked = 0;
        Scratch scratch = new Scratch(nPos, d, config.feedForward());
        for (int il = 0; il < blocks.length; il++) {
            if (stacked < featureLayers.length && featureLayers[stacked] == il) {
                stack[stacked++] = x.clone();
            }
            runBlock(blocks[il], x, nPos, scratch);
        }
        if (postLnW != null) VisionOps.layerNorm(x, nPos, d, postLnW, postLnB, config.layerNormEps(), x);
        if (stacked < featureLayers.length) stack[stacked] = x;
        float[][] sources = featureLayers.length == 0 ? new float[][]{x} : stack;
        return keptRows(sources, nPos, d);
    }

    /**
     * The rows llama.cpp hands to the projector: indices {@code 1..n_patches} when there is a class
     * token (its "skip the CLS row" offset, applied after the class token moved to the end), else
     * {@code 0..n_patches-1}; feature layers are concatenated along the width.
     */
    private ImageFeatures keptRows(float[][] sources, int nPos, int d) {
        int nPatches = config.patches(), offset = classEmbedding != null ? 1 : 0, width = d * sources.length;
        float[] out = new float[nPatches * width];
        for (int t = 0; t < nPatches; t++) {
            for (int l = 0; l < sources.length; l++) {
                System.arraycopy(sources[l], (t + offset) * d, out, t * width + l * d, d);
            }
        }
        return new ImageFeatures(nPatches, width, out);
    }

    private static final class Scratch {
        final float[] normed, q, k, v, attn, proj, hidden, keysT, values;

        Scratch(int nPos, int d, int ff) {
            normed = new float[nPos * d];
            q = new float[nPos * d];
            k = new float[nPos * d];
            v = new float[nPos * d];
            attn = new float[nPos * d];
            proj = new float[nPos * d];
            hidden = new float[nPos * ff];
            keysT = new float[nPos * d];
            values = new float[nPos * d];
        }
    }

    private void runBlock(Block b, float[] x, int nPos, Scratch t) {
        int d = config.embedding();
        float eps = config.layerNormEps();
        VisionOps.layerNorm(x, nPos, d, b.ln1w, b.ln1b, eps, t.normed);
        b.q.multiply(pool, t.normed, nPos, t.q);
        VisionOps.addBias(t.q, nPos, b.qb);
        b.k.multiply(pool, t.normed, nPos, t.k);
        VisionOps.addBias(t.k, nPos, b.kb);
        b.v.multiply(pool, t.normed, nPos, t.v);
        VisionOps.addBias(t.v, nPos, b.vb);
        attention(t.q, t.k, t.v, nPos, t.attn, t);
        b.out.multiply(pool, t.attn, nPos, t.proj);
        VisionOps.addBias(t.proj, nPos, b.outb);
        VisionOps.add(x, t.proj, nPos * d);

        VisionOps.layerNorm(x, nPos, d, b.ln2w, b.ln2b, eps, t.normed);
        b.up.multiply(pool, t.normed, nPos, t.hidden);
        VisionOps.addBias(t.hidden, nPos, b.upb);
        VisionOps.activate(config.activation(), t.hidden, nPos * config.feedForward());
        b.down.multiply(pool, t.hidden, nPos, t.proj);
        VisionOps.addBias(t.proj, nPos, b.downb);
        VisionOps.add(x, t.proj, nPos * d);
    }

    /**
     * Full (non-causal) multi-head attention, softmax(q·k / sqrt(head)) · v, as clip.cpp runs it on the CPU: flash
     * attention (its AUTO setting resolves to enabled there), with keys and values cast to F16, and since the
     * tower has at least 64 positions, ggml's tiled kernel ({@link TiledAttention}). Each head's keys are
     * transposed first so that scores come out a vector of keys at a time. (A tower of fewer than 64 positions, or
     * with heads not a multiple of 16 wide, would run ggml's per-query kernel there, with F16 queries and
     * accumulator; LLaVA-1.5's CLIP towers are neither.)
     */
    private void attention(float[] q, float[] k, float[] v, int nPos, float[] out, Scratch t) {
        int d = config.embedding(), heads = config.heads(), hs = config.headSize();
        float scale = 1f / (float) Math.sqrt(hs); // 1.0f / sqrtf(d_head), in float like llama.cpp
        float[] keysT = t.keysT, values = t.values;
        pool.forRange(heads, (h0, h1) -> {
            for (int h = h0; h < h1; h++) {
                int base = h * nPos * hs;
                for (int j = 0; j < nPos; j++) {
                    int src = j * d + h * hs;
                    for (int e = 0; e < hs; e++) {
                        values[base + j * hs + e] = half(v[src + e]);
                        keysT[base + e * nPos + j] = half(k[src + e]);
                    }
                }
            }
        });
        pool.forRange(heads * nPos, (start, end) -> {
            float[] p = TiledAttention.scratch();
            for (int item = start; item < end; item++) {
                int h = item / nPos, i = item % nPos;
                int base = h * nPos * hs, qo = i * d + h * hs;
                TiledAttention.attend(q, qo, keysT, base, nPos, values, base, nPos, hs, scale, out, qo, p);
            }
        });
    }

    private static float half(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }

    @Override
    public void close() {
        projector.close();
        if (owned != null) owned.close();
    }
}
