package dev.specula.text;

import dev.specula.gguf.GgufMetadata;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Text to token ids and back, built from a GGUF file's {@code tokenizer.ggml.*} metadata, giving the
 * ids llama.cpp's {@code llama_tokenize} gives. Two vocabulary kinds are supported:
 * {@code llama} (SentencePiece with byte fallback, as in LLaMA-1/2, Vicuna and LLaVA-1.5) and
 * {@code gpt2} (byte-level BPE, with the llama-3 pre-tokenizer). Instances are immutable and thread-safe.
 */
public final class Tokenizer {
    /** Token types as stored in {@code tokenizer.ggml.token_type}. */
    public static final int TYPE_UNDEFINED = 0;
    public static final int TYPE_NORMAL = 1;
    public static final int TYPE_UNKNOWN = 2;
    public static final int TYPE_CONTROL = 3;
    public static final int TYPE_USER_DEFINED = 4;
    public static final int TYPE_UNUSED = 5;
    public static final int TYPE_BYTE = 6;

    private static final byte[] EMPTY = new byte[0];

    private final Vocabulary vocab;
    private final TokenModel model;
    private final byte[][] pieces;

    private Tokenizer(Vocabulary vocab, TokenModel model) {
        this.vocab = vocab;
        this.model = model;
        this.pieces = new byte[vocab.size()][];
        for (int id = 0; id < pieces.length; id++) {
            pieces[id] = computePiece(id);
        }
    }

    /**
     * Builds the tokenizer a GGUF file describes; a vocab-only file is enough.
     *
     * @throws IllegalArgumentException for a tokenizer model or BPE pre-tokenizer that is not supported,
     *                                  or inconsistent tokenizer metadata
     */
    public static Tokenizer fromGguf(GgufMetadata md) {
        Vocabulary vocab = new Vocabulary(md);
        TokenModel model = vocab.model.equals("llama") ? new SentencePiece(vocab) : new ByteLevelBpe(vocab, md);
        return new Tokenizer(vocab, model);
    }

    /**
     * The ids of a text, as {@code llama_tokenize(text, addSpecial, parseSpecial)}.
     *
     * @param addSpecial   add BOS (and EOS) as the vocabulary asks ({@code add_bos_token}, {@code add_eos_token})
     * @param parseSpecial turn control tokens written in the text, such as {@code </s>}, into their ids;
     *                     user-defined tokens are always recognised
     */
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        IntList out = new IntList();
        if (addSpecial && vocab.addBos) {
            out.add(vocab.bos);
        }
        boolean afterSpecial = true; // the start of the text counts, so the first fragment gets SPM's space
        for (SpecialTokenSplitter.Fragment f : SpecialTokenSplitter.split(vocab, text, parseSpecial)) {
            if (f.isToken()) {
                out.add(f.token());
                afterSpecial = true;
            } else {
                model.encode(f.text(), afterSpecial, out);
                afterSpecial = false;
            }
        }
        if (addSpecial && vocab.addEos) {
            out.add(vocab.eos);
        }
        return out.toArray();
    }

    /**
     * The bytes of one token, as {@code llama_token_to_piece(id, special=false)}: control and unknown
     * tokens give nothing, byte tokens their byte, SentencePiece's "▁" a space. A piece may be part of a
     * UTF-8 sequence; see {@link #newStreamDecoder()}.
     */
    public byte[] pieceBytes(int id) {
        return pieces[id].clone();
    }

    /** {@link #pieceBytes} without the defensive copy, for this package's decoders. */
    byte[] piece(int id) {
        return pieces[id];
    }

    /**
     * The text of a whole token sequence that starts a text: the pieces joined and read as UTF-8 (bad
     * sequences become U+FFFD). When the vocabulary adds a leading space (SentencePiece), the space of
     * the first token after an optional leading BOS is dropped, so {@code decode(encode(s, true, false))}
     * gives {@code s} back. To print tokens generated after a prompt, use {@link #newStreamDecoder()},
     * which keeps every space.
     */
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int first = ids.length > 0 && ids[0] == vocab.bos ? 1 : 0;
        for (int i = first; i < ids.length; i++) {
            byte[] p = piece(ids[i]);
            int skip = i == first && vocab.addSpacePrefix && p.length > 0 && p[0] == ' ' ? 1 : 0;
            out.write(p, skip, p.length - skip);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A decoder that turns generated ids into text as soon as whole characters are available. */
    public StreamDecoder newStreamDecoder() {
        return new StreamDecoder(this);
    }

    public int vocabSize() {
        return vocab.size();
    }

    /** The BOS id, or -1 if the vocabulary has none. */
    public int bos() {
        return vocab.bos;
    }

    /** The EOS id, or -1 if the vocabulary has none. */
    public int eos() {
        return vocab.eos;
    }

    /** Whether {@link #encode} with addSpecial puts BOS first. */
    public boolean addBos() {
        return vocab.addBos;
    }

    /** Whether generation should stop at this id: EOS, end-of-turn or end-of-message tokens. */
    public boolean isEndOfGeneration(int id) {
        return vocab.isEndOfGeneration(id);
    }

    /** The token's string in the vocabulary, unprocessed (e.g. "▁Hello", "<0x0A>", "Ġworld"). */
    public String tokenText(int id) {
        return vocab.text[id];
    }

    /** One of the {@code TYPE_*} constants. */
    public int tokenType(int id) {
        return vocab.type[id];
    }

    /** Control, user-defined and unknown tokens: those written in text as markup rather than spelled. */
    public boolean isSpecial(int id) {
        int t = vocab.type[id];
        return t == TYPE_CONTROL || t == TYPE_USER_DEFINED || t == TYPE_UNKNOWN;
    }

    /** {@code tokenizer.ggml.model}: "llama" or "gpt2". */
    public String model() {
        return vocab.model;
    }

    private byte[] computePiece(int id) {
        String text = vocab.text[id];
        return switch (vocab.type[id]) {
            case TYPE_NORMAL -> model.normalPieceBytes(text);
            case TYPE_USER_DEFINED -> text.getBytes(StandardCharsets.UTF_8);
            case TYPE_BYTE -> new byte[] {(byte) vocab.byteValue(id)};
            default -> EMPTY; // control, unknown, unused and undefined tokens print as nothing
        };
    }
}
