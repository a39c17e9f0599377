package dev.specula.vision;

import dev.specula.gguf.GgufFile;
import dev.specula.gguf.TensorInfo;
import dev.specula.tensor.Matrix;
import dev.specula.tensor.TensorFormat;

/** Typed, shape-checked access to the tensors of an mmproj file. */
final class Weights {
    private final GgufFile file;

    Weights(GgufFile file) {
        this.file = file;
    }

    String source() {
        return file.describe();
    }

    boolean has(String name) {
        return file.hasTensor(name);
    }

    TensorInfo info(String name) {
        if (!file.hasTensor(name)) {
            throw new VisionFormatException(source() + ": tensor '" + name + "' is missing");
        }
        return file.tensor(name);
    }

    /** A {@code rows x cols} matrix; the stored shape must be {@code [cols, rows]} (any trailing dims folded into cols). */
    Matrix matrix(String name, int rows, int cols) {
        TensorInfo t = info(name);
        long elements = t.elementCount();
        if (elements != (long) rows * cols || t.shape()[t.shape().length - 1] != rows) {
            throw new VisionFormatException(source() + ": tensor '" + name + "' has shape " + java.util.Arrays.toString(t.shape())
                    + ", expected " + cols + " columns x " + rows + " rows");
        }
        if (cols % t.type().blockSize() != 0) {
            throw new VisionFormatException(source() + ": tensor '" + name + "' is " + t.type() + " but its rows of " + cols
                    + " values are not whole blocks of " + t.type().blockSize());
        }
        return new Matrix(name, TensorFormat.of(t.type()), file.tensorData(t), rows, cols);
    }

    /** A tensor of exactly {@code n} values as floats. */
    float[] vector(String name, int n) {
        TensorInfo t = info(name);
        if (t.elementCount() != n) {
            throw new VisionFormatException(source() + ": tensor '" + name + "' has " + t.elementCount() + " values, expected " + n);
        }
        return floats(t);
    }

    /** The optional vector, or null when the file lacks it. */
    float[] optionalVector(String name, int n) {
        return has(name) ? vector(name, n) : null;
    }

    /** All values of a tensor as floats. */
    float[] floats(TensorInfo t) {
        float[] out = new float[Math.toIntExact(t.elementCount())];
        TensorFormat.of(t.type()).dequantize(file.tensorData(t), 0, out, 0, out.length);
        return out;
    }
}
