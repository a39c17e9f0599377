package dev.specula.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The vector shapes of the block kernels: {@link #N} float lanes (16 with AVX-512, else 8), and byte,
 * short and int vectors with as many lanes, so that N packed bytes widen to one float vector.
 */
final class Lanes {
    private Lanes() {}

    static final VectorSpecies<Float> F =
            FloatVector.SPECIES_PREFERRED.length() >= 16 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    static final int N = F.length();
    static final VectorSpecies<Integer> I = N == 16 ? IntVector.SPECIES_512 : IntVector.SPECIES_256;
    static final VectorSpecies<Short> H = N == 16 ? ShortVector.SPECIES_256 : ShortVector.SPECIES_128;
    static final VectorSpecies<Byte> B = N == 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;

    /** N bytes at {@code offset} as unsigned ints (0..255). */
    static IntVector bytes(MemorySegment data, long offset) {
        return (IntVector) ByteVector.fromMemorySegment(B, data, offset, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** N bytes at {@code offset} as signed ints (-128..127). */
    static IntVector signedBytes(MemorySegment data, long offset) {
        return (IntVector) ByteVector.fromMemorySegment(B, data, offset, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.B2I, I, 0);
    }

    static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    /** The fp16 at a byte offset, as ggml's {@code GGML_FP16_TO_FP32}. */
    static float half(MemorySegment data, long offset) {
        return Float.float16ToFloat(data.get(Layouts.SHORT, offset));
    }
}
