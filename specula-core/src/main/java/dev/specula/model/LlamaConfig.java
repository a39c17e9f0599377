package dev.specula.model;

import dev.specula.gguf.GgufFile;
import dev.specula.gguf.GgufMetadata;
import dev.specula.gguf.TensorInfo;

/**
 * The shape of a Llama-family decoder, read once from GGUF metadata so that the forward pass never
 * looks at strings.
 *
 * @param headSize          width of one attention head (key_length, else embedding / heads)
 * @param ropeDimensionCount leading dimensions of each head that RoPE rotates
 * @param ropeFreqScale     multiplies every rotation angle (1 / the linear rope scaling factor)
 * @param contextLength     positions the model was trained for
 * @param vocabSize         rows of token_embd
 */
public record LlamaConfig(int embeddingLength, int blockCount, int headCount, int headCountKv, int headSize,
                          int feedForwardLength, int ropeDimensionCount, float ropeFreqBase, float ropeFreqScale,
                          float rmsEpsilon, int contextLength, int vocabSize) {

    public static final String ARCHITECTURE = "llama";

    public LlamaConfig {
        if (embeddingLength <= 0 || blockCount <= 0 || headCount <= 0 || headCountKv <= 0 || headSize <= 0
                || feedForwardLength <= 0 || contextLength <= 0 || vocabSize <= 0) {
            throw new IllegalArgumentException("every dimension must be positive: " + describe(embeddingLength, blockCount,
                    headCount, headCountKv, headSize, feedForwardLength, contextLength, vocabSize));
        }
        if (headCount % headCountKv != 0) {
            throw new IllegalArgumentException(headCount + " attention heads do not split into " + headCountKv + " kv heads");
        }
        if (ropeDimensionCount <= 0 || ropeDimensionCount > headSize || ropeDimensionCount % 2 != 0) {
            throw new IllegalArgumentException("rope dimension count " + ropeDimensionCount + " must be even and at most the head size " + headSize);
        }
        if (!(ropeFreqBase > 0) || !(ropeFreqScale > 0) || !(rmsEpsilon >= 0)) {
            throw new IllegalArgumentException("rope freq base " + ropeFreqBase + ", scale " + ropeFreqScale
                    + " and rms epsilon " + rmsEpsilon + " must be positive");
        }
    }

    /** Reads the {@code llama.*} keys; the vocabulary size comes from the shape of {@code token_embd.weight}. */
    public static LlamaConfig from(GgufFile file) {
        GgufMetadata md = file.metadata();
        String arch = md.getString("general.architecture", "(none)");
        if (!ARCHITECTURE.equals(arch)) {
            throw new IllegalArgumentException(file.describe() + ": architecture '" + arch
                    + "' is not supported; Specula's language model runs '" + ARCHITECTURE + "'");
        }
        String p = ARCHITECTURE + ".";
        int embd = md.getInt(p + "embedding_length");
        int heads = md.getInt(p + "attention.head_count");
        if (!md.has(p + "attention.key_length") && (heads <= 0 || embd % heads != 0)) {
            throw new IllegalArgumentException("embedding length " + embd + " does not split into " + heads + " heads");
        }
        int headSize = md.getInt(p + "attention.key_length", embd / heads);
        int valueLength = md.getInt(p + "attention.value_length", headSize);
        if (valueLength != headSize) {
            throw new IllegalArgumentException("key length " + headSize + " differs from value length " + valueLength);
        }
        float freqScale = 1f;
        String scaling = md.getString(p + "rope.scaling.type", "none");
        if (scaling.equals("linear")) {
            freqScale = 1f / md.getFloat(p + "rope.scaling.factor", 1f);
        } else if (!scaling.equals("none")) {
            throw new IllegalArgumentException("rope scaling '" + scaling + "' is not supported (none and linear are)");
        }
        TensorInfo embeddings = file.tensor("token_embd.weight");
        if (embeddings.shape().length != 2 || embeddings.cols() != embd) {
            throw new IllegalArgumentException("token_embd.weight has shape " + java.util.Arrays.toString(embeddings.shape())
                    + ", expected [" + embd + ", vocab]");
        }
        return new LlamaConfig(embd, md.getInt(p + "block_count"), heads,
                md.getInt(p + "attention.head_count_kv", heads), headSize, md.getInt(p + "feed_forward_length"),
                md.getInt(p + "rope.dimension_count", headSize), md.getFloat(p + "rope.freq_base", 10000f), freqScale,
                md.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f), md.getInt(p + "context_length"),
                (int) embeddings.rows());
    }

    /** Query heads that share one key/value head. */
    public int kvGroups() {
        return headCount / headCountKv;
    }

    /** Width of all query heads together. */
    public int queryLength() {
        return headCount * headSize;
    }

    /** Width of all key (or value) heads together: one position of the KV cache per layer. */
    public int kvLength() {
        return headCountKv * headSize;
    }

    private static String describe(int... v) {
        return String.format("embedding %d, blocks %d, heads %d, kv heads %d, head size %d, ffn %d, context %d, vocab %d",
                v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }
}
