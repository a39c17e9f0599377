package dev.specula.text;

/**
 * What differs between the two vocabulary kinds: how a run of plain text (no special tokens in it)
 * becomes ids, and how a NORMAL token's text becomes bytes.
 */
sealed interface TokenModel permits SentencePiece, ByteLevelBpe {

    /**
     * Appends the ids of one text fragment.
     *
     * @param afterSpecial true when the fragment starts the text or follows a special token; the
     *                     SentencePiece model then adds its leading space, as llama.cpp does
     */
    void encode(String fragment, boolean afterSpecial, IntList out);

    /** The bytes a NORMAL token stands for. */
    byte[] normalPieceBytes(String tokenText);
}
