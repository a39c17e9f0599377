package dev.specula.gguf;

import dev.specula.Fixtures;
import dev.specula.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GgufFileTest {

    @TempDir
    Path tmp;

    @Test
    void readsLlamaCppFileMetadataAndTensors() throws IOException {
        try (GgufFile f = GgufFile.open(Fixtures.own("tiny-llava-lm-q4_k.gguf"))) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.metadata().getString("general.architecture")).isEqualTo("llama");
            assertThat(f.metadata().getInt("llama.embedding_length")).isEqualTo(256);
            assertThat(f.metadata().getStringArray("tokenizer.ggml.tokens")).hasSize(512);
            assertThat(f.tensors()).hasSize(39);
            TensorInfo q = f.tensor("blk.0.attn_q.weight");
            assertThat(q.type()).isEqualTo(GgmlType.Q4_K);
            assertThat(q.shape()).containsExactly(256, 256);
            assertThat(q.byteSize()).isEqualTo(256L * 256 / 256 * 144);
            assertThat(f.tensorData(q).byteSize()).isEqualTo(q.byteSize());
        }
    }

    @Test
    void roundTripsEveryValueTypeThroughTheWriter() throws IOException {
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("u8", new GgufValue(GgufValueType.UINT8, null, 200L));
        md.put("i8", new GgufValue(GgufValueType.INT8, null, -5L));
        md.put("u16", new GgufValue(GgufValueType.UINT16, null, 65000L));
        md.put("i16", new GgufValue(GgufValueType.INT16, null, -300L));
        md.put("u32", GgufValue.ofUint32(4_000_000_000L));
        md.put("i32", GgufValue.ofInt32(-7));
        md.put("u64", new GgufValue(GgufValueType.UINT64, null, 1L << 40));
        md.put("i64", new GgufValue(GgufValueType.INT64, null, -(1L << 40)));
        md.put("f32", GgufValue.ofFloat32(1.5f));
        md.put("f64", new GgufValue(GgufValueType.FLOAT64, null, 2.25));
        md.put("bool", GgufValue.ofBool(true));
        md.put("str", GgufValue.of("héllo"));
        md.put("strs", GgufValue.ofArray(new String[] {"a", "", "ü"}));
        md.put("floats", GgufValue.ofArray(new float[] {1f, -2f}));
        md.put("ints", GgufValue.ofArray(GgufValueType.INT32, new long[] {1, -2, 3}));
        md.put("nested", new GgufValue(GgufValueType.ARRAY, GgufValueType.ARRAY, new GgufValue[] {
                GgufValue.ofArray(new String[] {"x"}), GgufValue.ofArray(GgufValueType.UINT8, new long[] {7, 8})}));
        Path p = tmp.resolve("all.gguf");
        var specs = List.of(new GgufWriter.TensorSpec("t", GgmlType.F32, 4, 2));
        try (var w = new GgufWriter(p, md, specs)) {
            w.write(new byte[32]);
        }
        try (GgufFile f = GgufFile.open(p)) {
            var m = f.metadata();
            assertThat(m.getLong("u8")).isEqualTo(200);
            assertThat(m.getLong("i8")).isEqualTo(-5);
            assertThat(m.getLong("u16")).isEqualTo(65000);
            assertThat(m.getLong("i16")).isEqualTo(-300);
            assertThat(m.getLong("u32")).isEqualTo(4_000_000_000L);
            assertThat(m.getInt("i32")).isEqualTo(-7);
            assertThat(m.getLong("u64")).isEqualTo(1L << 40);
            assertThat(m.getLong("i64")).isEqualTo(-(1L << 40));
            assertThat(m.getFloat("f32")).isEqualTo(1.5f);
            assertThat(m.get("f64").orElseThrow().value()).isEqualTo(2.25);
            assertThat(m.getBool("bool", false)).isTrue();
            assertThat(m.getString("str")).isEqualTo("héllo");
            assertThat(m.getStringArray("strs")).containsExactly("a", "", "ü");
            assertThat(m.getFloatArray("floats")).containsExactly(1f, -2f);
            assertThat(m.getIntArray("ints")).containsExactly(1, -2, 3);
            GgufValue[] nested = (GgufValue[]) m.get("nested").orElseThrow().value();
            assertThat((String[]) nested[0].value()).containsExactly("x");
            assertThat((long[]) nested[1].value()).containsExactly(7, 8);
            assertThat(f.tensor("t").shape()).containsExactly(4, 2);
            assertThat(f.dataStart() % 32).isZero();
        }
    }

    @Test
    void honoursCustomAlignment() throws IOException {
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("general.alignment", GgufValue.ofUint32(64));
        Path p = tmp.resolve("a.gguf");
        var specs = List.of(new GgufWriter.TensorSpec("a", GgmlType.F32, 3), new GgufWriter.TensorSpec("b", GgmlType.F32, 5));
        try (var w = new GgufWriter(p, md, specs)) {
            w.write(new byte[12 + 20]);
        }
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.alignment()).isEqualTo(64);
            assertThat(f.tensor("b").dataOffset() - f.tensor("a").dataOffset()).isEqualTo(64);
        }
    }

    @Test
    void rejectsMissingFilesDirectoriesAndNonGguf() throws IOException {
        assertThatThrownBy(() -> GgufFile.open(tmp.resolve("nope.gguf"))).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> GgufFile.open(tmp)).isInstanceOf(GgufFormatException.class).hasMessageContaining("directory");
        Path text = Files.writeString(tmp.resolve("x.txt"), "hello, this is not a model");
        assertThatThrownBy(() -> GgufFile.open(text)).isInstanceOf(GgufFormatException.class).hasMessageContaining("not a GGUF");
        Path empty = Files.write(tmp.resolve("empty"), new byte[0]);
        assertThatThrownBy(() -> GgufFile.open(empty)).isInstanceOf(GgufFormatException.class);
    }

    @Test
    void rejectsEveryTruncationOfARealFile() throws IOException {
        byte[] full = Files.readAllBytes(Fixtures.own("tiny-draft-f16.gguf"));
        int header;
        try (GgufFile f = GgufFile.open(Fixtures.own("tiny-draft-f16.gguf"))) {
            header = (int) f.dataStart();
        }
        Random rnd = new Random(1);
        for (int i = 0; i < 300; i++) {
            int len = i < 200 ? rnd.nextInt(header + 64) : header + rnd.nextInt(full.length - header - 1);
            byte[] cut = java.util.Arrays.copyOf(full, len);
            assertThatThrownBy(() -> GgufFile.parse(MemorySegment.ofArray(cut)))
                    .as("truncated to %d bytes", len).isInstanceOf(GgufFormatException.class);
        }
    }

    @Test
    void bitFlipsAndAbsurdSizesRaiseOnlyFormatErrors() throws IOException {
        byte[] full = Files.readAllBytes(Fixtures.own("tiny-llava-mmproj-f16.gguf"));
        int header;
        try (GgufFile f = GgufFile.open(Fixtures.own("tiny-llava-mmproj-f16.gguf"))) {
            header = (int) f.dataStart();
        }
        Random rnd = new Random(2);
        for (int i = 0; i < 3000; i++) {
            byte[] b = full.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) {
                int at = rnd.nextInt(header);
                if (i % 3 == 0) {
                    // plant an absurd 64-bit count or length
                    long huge = rnd.nextBoolean() ? -1L : (1L << (30 + rnd.nextInt(33)));
                    for (int j = 0; j < 8 && at + j < header; j++) b[at + j] = (byte) (huge >>> (8 * j));
                } else {
                    b[at] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            try {
                GgufFile.parse(MemorySegment.ofArray(b)).close();
            } catch (GgufFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void rejectsTensorDataOutsideTheFile() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var w = new GgufWriter(bytes, Map.of(), List.of(new GgufWriter.TensorSpec("w", GgmlType.Q8_0, 64, 2)))) {
            w.write(new byte[2 * 2 * 34]);
        }
        byte[] b = bytes.toByteArray();
        byte[] cut = java.util.Arrays.copyOf(b, b.length - 1);
        assertThatThrownBy(() -> GgufFile.parse(MemorySegment.ofArray(cut)))
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("outside the file");
    }

    @Test
    void rejectsRowLengthNotMultipleOfBlock() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var w = new GgufWriter(bytes, Map.of(), List.of(new GgufWriter.TensorSpec("w", GgmlType.F32, 48)))) {
            w.write(new byte[48 * 4]);
        }
        byte[] b = bytes.toByteArray();
        // rewrite the type id of the only tensor (F32=0) into Q8_0 (8): the row of 48 is not a multiple of 32
        int typeAt = indexOf(b, new byte[] {48, 0, 0, 0, 0, 0, 0, 0}) + 8;
        b[typeAt] = 8;
        assertThatThrownBy(() -> GgufFile.parse(MemorySegment.ofArray(b)))
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("block size");
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }
}
