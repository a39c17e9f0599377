package dev.specula.tensor;

/** A tensor's storage type has no kernel in Specula. */
public final class UnsupportedTensorTypeException extends IllegalArgumentException {
    private final GgmlType type;

    public UnsupportedTensorTypeException(GgmlType type) {
        super("tensor type " + type + " (ggml id " + type.id() + ") is not supported; supported: "
                + java.util.Arrays.stream(GgmlType.values()).filter(GgmlType::supported).map(Enum::name).toList());
        this.type = type;
    }

    public GgmlType type() {
        return type;
    }
}
