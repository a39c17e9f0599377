package dev.specula.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A Llama decoder held as float32 arrays named as llama.cpp names them in GGUF, with a forward and
 * backward pass over one sequence. The names and row layouts are those the engine's LlamaModel
 * reads, so {@link TrainedGguf} writes these arrays unchanged.
 */
public final class TrainableLlama implements Trainable {

    public record Shape(int vocab, int dim, int layers, int heads, int kvHeads, int ff, int context) {
        public Shape {
            if (vocab < 1 || dim < 1 || layers < 1 || heads < 1 || kvHeads < 1 || ff < 1 || context < 2) {
                throw new IllegalArgumentException("every dimension must be positive: " + this);
            }
            if (dim % heads != 0 || (dim / heads) % 2 != 0 || heads % kvHeads != 0) {
                throw new IllegalArgumentException("the width " + dim + " must split into " + heads + " heads of an even size,"
                        + " and the heads into " + kvHeads + " key/value groups");
            }
        }

        public int headSize() {
            return dim / heads;
        }
    }

    static final float EPS = 1e-5f, ROPE_BASE = 10000f;

    public final Shape shape;
    /** Parameters and their gradients, in GGUF order. */
    public final Map<String, float[]> params = new LinkedHashMap<>(), grads = new LinkedHashMap<>();

    public TrainableLlama(Shape s, long seed) {
        this.shape = s;
        Random r = new Random(seed);
        int kv = s.kvHeads() * s.headSize();
        add("token_embd.weight", s.vocab() * s.dim(), r, 1.0f / (float) Math.sqrt(s.dim()) * 4);
        for (int l = 0; l < s.layers(); l++) {
            String b = "blk." + l + ".";
            ones(b + "attn_norm.weight", s.dim());
            add(b + "attn_q.weight", s.dim() * s.dim(), r, init(s.dim()));
            add(b + "attn_k.weight", kv * s.dim(), r, init(s.dim()));
            add(b + "attn_v.weight", kv * s.dim(), r, init(s.dim()));
            // residual branches start small so a deep stack trains stably
            add(b + "attn_output.weight", s.dim() * s.dim(), r, init(s.dim()) / (float) Math.sqrt(2 * s.layers()));
            ones(b + "ffn_norm.weight", s.dim());
            add(b + "ffn_gate.weight", s.ff() * s.dim(), r, init(s.dim()));
            add(b + "ffn_up.weight", s.ff() * s.dim(), r, init(s.dim()));
            add(b + "ffn_down.weight", s.dim() * s.ff(), r, init(s.ff()) / (float) Math.sqrt(2 * s.layers()));
        }
        ones("output_norm.weight", s.dim());
        add("output.weight", s.vocab() * s.dim(), r, init(s.dim()));
    }

    /**
     * The weights of a {@code llama} GGUF as float32, to continue training them (or distil from them);
     * a file without {@code output.weight} (tied embeddings) gets a copy of {@code token_embd}.
     */
    public static TrainableLlama load(dev.specula.gguf.GgufFile file) {
        var c = dev.specula.model.LlamaConfig.from(file);
        if (c.headSize() * c.headCount() != c.embeddingLength() || c.ropeFreqBase() != ROPE_BASE || c.ropeFreqScale() != 1f
                || c.ropeDimensionCount() != c.headSize()) {
            throw new IllegalArgumentException(file.describe() + ": the trainer's Llama has head size = width / heads and full"
                    + " RoPE of base " + ROPE_BASE + "; this model differs (head size " + c.headSize() + ", RoPE base "
                    + c.ropeFreqBase() + " over " + c.ropeDimensionCount() + " dimensions)");
        }
        Shape s = new Shape(c.vocabSize(), c.embeddingLength(), c.blockCount(), c.headCount(), c.headCountKv(),
                c.feedForwardLength(), c.contextLength());
        TrainableLlama m = new TrainableLlama(s, 0);
        for (var e : m.params.entrySet()) {
            String name = file.hasTensor(e.getKey()) ? e.getKey() : e.getKey().equals("output.weight") ? "token_embd.weight" : null;
            if (name == null) throw new IllegalArgumentException(file.describe() + " has no tensor " + e.getKey());
            var info = file.tensor(name);
            float[] dst = e.getValue();
            if (info.elementCount() != dst.length) {
                throw new IllegalArgumentException(file.describe() + ": " + name + " holds " + info.elementCount() + " values, expected " + dst.length);
            }
            dev.specula.tensor.TensorFormat.of(info.type()).dequantize(file.tensorData(info), 0, dst, 0, dst.length);
        }
        return m;
    }

    private TrainableLlama(TrainableLlama shared) {
        this.shape = shared.shape;
        params.putAll(shared.params);
        for (var e : shared.params.entrySet()) grads.put(e.getKey(), new float[e.getValue().length]);
    }

    /** A view on the same parameters with its own gradients, for a second worker thread. */
    public TrainableLlama sharingParameters() {
        return new TrainableLlama(this);
    }

    private static float init(int fanIn) {
        return (float) (1 / Math.sqrt(fanIn));
    }

    private void add(String name, int n, Random r, float std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * std);
        params.put(name, a);
        grads.put(name, new float[n]);
    }

    private void ones(String name, int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        params.put(name, a);
        grads.put(name, new float[n]);
    }

    public long parameterCount() {
        return params.values().stream().mapToLong(a -> a.length).sum();
    }

    public void zeroGrad() {
        for (float[] g : grads.values()) java.util.Arrays.fill(g, 0);
    }

    private float[] p(String n) {
        return params.get(n);
    }

    private float[] g(String n) {
        return grads.get(n);
    }

    /** Logits [T][vocab] for the token sequence (no gradients). */
    public float[] logits(int[] ids) {
        return run(ids, null, false);
    }

    /**
     * Mean cross-entropy over positions whose target is >= 0 ({@code targets[t]} is the token
     * expected after {@code ids[t]}); ADDS the gradients into {@link #grads}.
     */
    public float lossAndBackward(int[] ids, int[] targets) {
        return lossAndBackward(ids, targets, null);
    }

    /** As above, with the soft targets of distilled logits mixed in where {@code soft} has them. */
    public float lossAndBackward(int[] ids, int[] targets, Trainer.Soft soft) {
        float[] loss = new float[1];
        run(null, 0, 0, ids, targets, null, soft, true, loss, null);
        return loss[0];
    }

    /**
     * As {@link #lossAndBackward(int[], int[])} with {@code prefixRows} embedding rows (an image's
     * projected features) before the tokens; targets cover prefix and tokens, and the gradient of
     * the prefix is ADDED into {@code dPrefix}, for training the projector that made it.
     */
    public float lossAndBackward(float[] prefix, int prefixRows, int[] ids, int[] targets, float[] dPrefix) {
        return lossAndBackward(prefix, prefixRows, 0, ids, targets, dPrefix);
    }

    /**
     * As above with the image rows placed after the first {@code imageAt} tokens, as the engine's prompt
     * puts them (BOS, image, text); {@code targets} covers all {@code imageRows + ids.length} positions.
     */
    public float lossAndBackward(float[] image, int imageRows, int imageAt, int[] ids, int[] targets, float[] dImage) {
        float[] loss = new float[1];
        run(image, imageRows, imageAt, ids, targets, null, null, true, loss, dImage);
        return loss[0];
    }

    /**
     * The sequence's loss (its weights and soft targets included) with its image given as {@code image}, the
     * {@code s.imageRows()} rows already in this model's width (null without an image); ADDS the gradients,
     * the image rows' into {@code dImage}. The loss returned is unweighted.
     */
    public float lossAndBackward(Trainer.Sequence s, float[] image, float[] dImage) {
        float[] loss = new float[1];
        run(image, s.imageRows(), s.imageAt(), s.ids(), s.targets(), s.weights(), s.soft(), true, loss, dImage);
        return loss[0];
    }

    /** Logits for a prefix of embedding rows followed by tokens (no gradients). */
    public float[] logits(float[] prefix, int prefixRows, int[] ids) {
        return run(prefix, prefixRows, 0, ids, null, null, null, false, new float[1], null);
    }

    @Override
    public float lossAndBackward(Trainer.Sequence s) {
        if (s.imageRows() > 0) throw new IllegalArgumentException("a language model alone cannot read image features");
        return lossAndBackward(s, null, null);
    }

    @Override
    public Map<String, float[]> params() {
        return params;
    }

    @Override
    public Map<String, float[]> grads() {
        return grads;
    }

    @Override
    public Trainable worker() {
        return sharingParameters();
    }

    private float[] run(int[] ids, int[] targets, boolean backward) {
        return run(null, 0, 0, ids, targets, null, null, backward, new float[1], null);
    }

    private float[] run(float[] image, int imageRows, int imageAt, int[] ids, int[] targets, float[] weights, Trainer.Soft soft,
                        boolean backward, float[] lossOut, float[] dImage) {
        Shape s = shape;
        int P = imageRows, T = P + ids.length, d = s.dim(), hs = s.headSize(), kv = s.kvHeads() * hs, ff = s.ff(), L = s.layers();
        float[][] xs = new float[L + 1][];
        float[][] a1 = new float[L][], q = new float[L][], k = new float[L][], v = new float[L][], pr = new float[L][], o = new float[L][];
        float[][] x2 = new float[L][], a2 = new float[L][], gt = new float[L][], up = new float[L][], h = new float[L][];
        xs[0] = new float[T * d];
        float[] tokenRows = new float[ids.length * d];
        Ops.embed(ids, p("token_embd.weight"), tokenRows, d);
        // rows: tokens [0, imageAt), the image, tokens [imageAt, n)
        System.arraycopy(tokenRows, 0, xs[0], 0, imageAt * d);
        if (P > 0) System.arraycopy(image, 0, xs[0], imageAt * d, P * d);
        System.arraycopy(tokenRows, imageAt * d, xs[0], (imageAt + P) * d, (ids.length - imageAt) * d);
        for (int l = 0; l < L; l++) {
            String b = "blk." + l + ".";
            float[] x = xs[l];
            a1[l] = new float[T * d];
            Ops.rmsNorm(x, p(b + "attn_norm.weight"), a1[l], T, d, EPS);
            q[l] = new float[T * d];
            k[l] = new float[T * kv];
            v[l] = new float[T * kv];
            Ops.linear(a1[l], p(b + "attn_q.weight"), q[l], T, d, d);
            Ops.linear(a1[l], p(b + "attn_k.weight"), k[l], T, d, kv);
            Ops.linear(a1[l], p(b + "attn_v.weight"), v[l], T, d, kv);
            Ops.rope(q[l], T, s.heads(), hs, 0, ROPE_BASE, false);
            Ops.rope(k[l], T, s.kvHeads(), hs, 0, ROPE_BASE, false);
            pr[l] = new float[s.heads() * T * T];
            o[l] = new float[T * d];
            Ops.attention(q[l], k[l], v[l], pr[l], o[l], T, s.heads(), s.kvHeads(), hs);
            x2[l] = new float[T * d];
            Ops.linear(o[l], p(b + "attn_output.weight"), x2[l], T, d, d);
            for (int i = 0; i < T * d; i++) x2[l][i] += x[i];
            a2[l] = new float[T * d];
            Ops.rmsNorm(x2[l], p(b + "ffn_norm.weight"), a2[l], T, d, EPS);
            gt[l] = new float[T * ff];
            up[l] = new float[T * ff];
            Ops.linear(a2[l], p(b + "ffn_gate.weight"), gt[l], T, d, ff);
            Ops.linear(a2[l], p(b + "ffn_up.weight"), up[l], T, d, ff);
            h[l] = new float[T * ff];
            Ops.swiglu(gt[l], up[l], h[l]);
            xs[l + 1] = new float[T * d];
            Ops.linear(h[l], p(b + "ffn_down.weight"), xs[l + 1], T, ff, d);
            for (int i = 0; i < T * d; i++) xs[l + 1][i] += x2[l][i];
        }
        float[] n = new float[T * d];
        Ops.rmsNorm(xs[L], p("output_norm.weight"), n, T, d, EPS);
        float[] logits = new float[T * s.vocab()];
        Ops.linear(n, p("output.weight"), logits, T, d, s.vocab());
        if (!backward) return logits;

        float[] dlogits = new float[logits.length];
        lossOut[0] = Ops.crossEntropy(logits, targets, soft, dlogits, s.vocab());
        if (weights != null) {
            for (int t = 0; t < T; t++) {
                for (int i = t * s.vocab(); i < (t + 1) * s.vocab(); i++) dlogits[i] *= weights[t];
            }
        }
        float[] dn = new float[T * d];
        Ops.linearBackward(n, p("output.weight"), dlogits, dn, g("output.weight"), T, d, s.vocab());
        float[] dx = new float[T * d];
        Ops.rmsNormBackward(xs[L], p("output_norm.weight"), dn, dx, g("output_norm.weight"), T, d, EPS);
        for (int l = L - 1; l >= 0; l--) {
            String b = "blk." + l + ".";
            // x3 = x2 + down(h): dx flows to x2 directly and through the feed-forward
            float[] dh = new float[T * ff];
            Ops.linearBackward(h[l], p(b + "ffn_down.weight"), dx, dh, g(b + "ffn_down.weight"), T, ff, d);
            float[] dg = new float[T * ff], du = new float[T * ff];
            Ops.swigluBackward(gt[l], up[l], dh, dg, du);
            float[] da2 = new float[T * d];
            Ops.linearBackward(a2[l], p(b + "ffn_gate.weight"), dg, da2, g(b + "ffn_gate.weight"), T, d, ff);
            Ops.linearBackward(a2[l], p(b + "ffn_up.weight"), du, da2, g(b + "ffn_up.weight"), T, d, ff);
            float[] dx2 = dx.clone();
            Ops.rmsNormBackward(x2[l], p(b + "ffn_norm.weight"), da2, dx2, g(b + "ffn_norm.weight"), T, d, EPS);
            float[] dO = new float[T * d];
            Ops.linearBackward(o[l], p(b + "attn_output.weight"), dx2, dO, g(b + "attn_output.weight"), T, d, d);
            float[] dq = new float[T * d], dk = new float[T * kv], dv = new float[T * kv];
            Ops.attentionBackward(q[l], k[l], v[l], pr[l], dO, dq, dk, dv, T, s.heads(), s.kvHeads(), hs);
            Ops.rope(dq, T, s.heads(), hs, 0, ROPE_BASE, true);
            Ops.rope(dk, T, s.kvHeads(), hs, 0, ROPE_BASE, true);
            float[] da1 = new float[T * d];
            Ops.linearBackward(a1[l], p(b + "attn_q.weight"), dq, da1, g(b + "attn_q.weight"), T, d, d);
            Ops.linearBackward(a1[l], p(b + "attn_k.weight"), dk, da1, g(b + "attn_k.weight"), T, d, kv);
            Ops.linearBackward(a1[l], p(b + "attn_v.weight"), dv, da1, g(b + "attn_v.weight"), T, d, kv);
            float[] dxl = dx2.clone();
            Ops.rmsNormBackward(xs[l], p(b + "attn_norm.weight"), da1, dxl, g(b + "attn_norm.weight"), T, d, EPS);
            dx = dxl;
        }
        if (dImage != null) for (int i = 0; i < P * d; i++) dImage[i] += dx[imageAt * d + i];
        float[] dTokens = new float[ids.length * d];
        System.arraycopy(dx, 0, dTokens, 0, imageAt * d);
        System.arraycopy(dx, (imageAt + P) * d, dTokens, imageAt * d, (ids.length - imageAt) * d);
        Ops.embedBackward(ids, dTokens, g("token_embd.weight"), d);
        return logits;
    }
}
