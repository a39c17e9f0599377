package dev.specula.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.specula.gguf.GgufFile;
import dev.specula.gguf.TensorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Prints a GGUF file's metadata and its tensor table (name, type, shape, bytes).")
final class InspectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "MODEL.gguf", description = "The GGUF file.")
    Path model;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--max-array", defaultValue = "8", description = "Array elements to show (default: ${DEFAULT-VALUE}).")
    int maxArray;

    @Mixin SharedOptions.Verbose verbose;

    @Override
    public Integer call() throws Exception {
        try (GgufFile f = GgufFile.open(model)) {
            if (json) {
                ObjectNode root = Json.MAPPER.createObjectNode();
                root.put("file", model.toString());
                root.put("version", f.version());
                root.put("bytes", f.fileSize());
                ObjectNode md = root.putObject("metadata");
                f.metadata().asMap().forEach((k, v) -> md.set(k, Json.MAPPER.valueToTree(v.value())));
                ArrayNode ts = root.putArray("tensors");
                for (TensorInfo t : f.tensorList()) {
                    ObjectNode n = ts.addObject();
                    n.put("name", t.name());
                    n.put("type", t.type().name());
                    ArrayNode shape = n.putArray("shape");
                    for (long d : t.shape()) shape.add(d);
                    n.put("bytes", t.byteSize());
                    n.put("offset", t.dataOffset());
                }
                Json.print(root);
                return 0;
            }
            System.out.printf("%s: GGUF v%d, %,d bytes, %d metadata keys, %d tensors%n",
                    model, f.version(), f.fileSize(), f.metadata().asMap().size(), f.tensors().size());
            System.out.println();
            System.out.println("metadata:");
            f.metadata().asMap().forEach((k, v) -> System.out.printf("  %-42s %s%n", k, v.describe(maxArray)));
            System.out.println();
            System.out.printf("%-36s %-6s %-22s %14s%n", "tensor", "type", "shape", "bytes");
            long total = 0;
            for (TensorInfo t : f.tensorList()) {
                System.out.printf("%-36s %-6s %-22s %,14d%n", t.name(), t.type(), Arrays.toString(t.shape()), t.byteSize());
                total += t.byteSize();
            }
            System.out.printf("%-36s %-6s %-22s %,14d%n", "total", "", "", total);
            return 0;
        }
    }
}
