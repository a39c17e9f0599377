package dev.specula.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.specula.gguf.GgufFile;
import dev.specula.text.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Prints the token ids and pieces of a text, as llama.cpp tokenizes it (works on vocab-only GGUFs).")
final class TokenizeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, description = "GGUF file holding the vocabulary.")
    Path model;

    @Option(names = {"-p", "--prompt"}, required = true, description = "Text to tokenize.")
    String prompt;

    @Option(names = "--no-bos", description = "Do not add BOS even if the model asks for it.")
    boolean noBos;

    @Option(names = "--no-parse-special", description = "Treat special-token text like <s> as plain text.")
    boolean noParseSpecial;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin SharedOptions.Verbose verbose;

    @Override
    public Integer call() throws Exception {
        try (GgufFile f = GgufFile.open(model)) {
            Tokenizer tok = Tokenizer.fromGguf(f.metadata());
            int[] ids = tok.encode(prompt, !noBos, !noParseSpecial);
            if (json) {
                ObjectNode root = Json.MAPPER.createObjectNode();
                ArrayNode idArr = root.putArray("ids");
                ArrayNode pieces = root.putArray("pieces");
                for (int id : ids) {
                    idArr.add(id);
                    pieces.add(tok.tokenText(id));
                }
                root.put("count", ids.length);
                Json.print(root);
            } else {
                for (int id : ids) {
                    String piece = new String(tok.pieceBytes(id), StandardCharsets.UTF_8);
                    System.out.printf("%6d -> '%s'%s%n", id, tok.tokenText(id),
                            piece.equals(tok.tokenText(id)) ? "" : "  (" + printable(piece) + ")");
                }
                System.out.println(ids.length + " tokens");
            }
            return 0;
        }
    }

    private static String printable(String s) {
        return s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
    }
}
