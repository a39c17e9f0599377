package dev.specula.synth;

import java.util.Locale;
import java.util.Map;

/**
 * The dimensions of a Llama-family model to synthesize.
 *
 * @param vocab 0 means "take the size of the vocabulary source"
 */
public record LlamaShape(int embedding, int layers, int heads, int kvHeads, int feedForward, int vocab, int context) {

    /** Named shapes for {@code synth --like}. */
    public static final Map<String, LlamaShape> NAMED = Map.of(
            "tiny", new LlamaShape(256, 4, 8, 2, 768, 0, 2048),
            "tiny-draft", new LlamaShape(128, 2, 4, 2, 384, 0, 2048),
            "llama2-7b", new LlamaShape(4096, 32, 32, 32, 11008, 32000, 4096),
            "llama2-13b", new LlamaShape(5120, 40, 40, 40, 13824, 32000, 4096),
            "draft-115m", new LlamaShape(768, 6, 12, 12, 2048, 32000, 2048),
            "llama-68m", new LlamaShape(768, 2, 12, 12, 3072, 32000, 2048));

    public static LlamaShape named(String name) {
        LlamaShape s = NAMED.get(name.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown shape '" + name + "'; known: " + new java.util.TreeSet<>(NAMED.keySet()));
        }
        return s;
    }

    public LlamaShape withVocab(int v) {
        return new LlamaShape(embedding, layers, heads, kvHeads, feedForward, v, context);
    }

    public int headSize() {
        return embedding / heads;
    }

    /** Weight parameters: embeddings, output, and per layer attention + FFN + norms. */
    public long parameters() {
        long kv = (long) kvHeads * headSize();
        long perLayer = 2L * embedding * embedding + 2L * embedding * kv + 3L * embedding * feedForward + 2L * embedding;
        return 2L * vocab * embedding + embedding + layers * perLayer;
    }

    public void validate() {
        if (embedding <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || feedForward <= 0 || context <= 0) {
            throw new IllegalArgumentException("every dimension must be positive: " + this);
        }
        if (embedding % heads != 0 || heads % kvHeads != 0 || headSize() % 2 != 0) {
            throw new IllegalArgumentException("embedding must split evenly into heads (even head size) and heads into kv heads: " + this);
        }
    }
}
