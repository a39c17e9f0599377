package dev.specula.gguf;

import dev.specula.tensor.GgmlType;

import java.util.Arrays;

/**
 * One tensor of a GGUF file.
 *
 * @param name       tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param type       storage type
 * @param shape      ggml order: shape[0] is the fastest-varying (row length)
 * @param dataOffset absolute byte offset in the file
 * @param byteSize   bytes of data
 */
public record TensorInfo(String name, GgmlType type, long[] shape, long dataOffset, long byteSize) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** Row length (ne[0]). */
    public long cols() {
        return shape[0];
    }

    /** Number of rows: the product of all dimensions but the first. */
    public long rows() {
        return shape.length == 0 ? 1 : elementCount() / shape[0];
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape);
    }
}
