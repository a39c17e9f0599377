package dev.specula.tensor;

/** The type switch: adding a format means adding its class and one line here. */
final class TensorFormats {
    private TensorFormats() {}

    static TensorFormat of(GgmlType type) {
        return switch (type) {
            case F32 -> F32.INSTANCE;
            case F16 -> F16.INSTANCE;
            case Q8_0 -> Q8_0.INSTANCE;
            case Q4_0 -> Q4_0.INSTANCE;
            default -> throw new UnsupportedTensorTypeException(type);
        };
    }
}
