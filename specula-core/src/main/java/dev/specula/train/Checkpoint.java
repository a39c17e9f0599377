package dev.specula.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parameters plus AdamW state, so a run resumes exactly where it stopped. */
public final class Checkpoint {

    private Checkpoint() {}

    public static void save(Path path, Map<String, float[]> params, AdamW opt) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.writeInt(opt.steps());
            write(out, params);
            write(out, opt.firstMoments());
            write(out, opt.secondMoments());
        }
        // a crash mid-write leaves the previous checkpoint intact
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Loads into the given parameter arrays (shapes must match) and the optimizer. */
    public static void load(Path path, Map<String, float[]> params, AdamW opt) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path)))) {
            int steps = in.readInt();
            Map<String, float[]> p = read(in), m = read(in), v = read(in);
            for (var e : params.entrySet()) {
                float[] src = p.get(e.getKey());
                if (src == null || src.length != e.getValue().length) throw new IOException("checkpoint does not match tensor " + e.getKey());
                System.arraycopy(src, 0, e.getValue(), 0, src.length);
            }
            opt.restore(steps, m, v);
        }
    }

    private static void write(DataOutputStream out, Map<String, float[]> arrays) throws IOException {
        out.writeInt(arrays.size());
        for (var e : arrays.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().length);
            for (float x : e.getValue()) out.writeFloat(x);
        }
    }

    private static Map<String, float[]> read(DataInputStream in) throws IOException {
        Map<String, float[]> out = new LinkedHashMap<>();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            float[] a = new float[in.readInt()];
            for (int j = 0; j < a.length; j++) a[j] = in.readFloat();
            out.put(name, a);
        }
        return out;
    }
}
