package dev.specula.tensor.infra;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The vector shapes of the block kernels: {@link #N} float lanes (16 with AVX-512, 8 with AVX2, 4 with 128-bit
 * vectors), and byte, short and int vectors with as many lanes, so that N packed bytes widen to one float vector.
 *
 * <p>Whatever N, every kernel computes as if it had {@value #LOGICAL} lanes: logical lane l of a step takes
 * values l, l + 16, ... of the data, a kernel runs once per part of N logical lanes (offset p = 0, N, ...), and
 * the 16 logical lanes are summed in {@link LaneSum}'s order. Lanes are independent, so each holds the same bits
 * at every width, and the same file and prompt give the same logits on AVX-512, AVX2 and NEON.
 */
public final class Lanes {
    private Lanes() {}

    /** The lanes every kernel emulates. */
    public static final int LOGICAL = 16;
    public static final VectorSpecies<Float> F = switch (Math.min(LOGICAL, FloatVector.SPECIES_PREFERRED.length())) {
        case 16 -> FloatVector.SPECIES_512;
        case 8 -> FloatVector.SPECIES_256;
        default -> FloatVector.SPECIES_128;
    };
    public static final int N = F.length();
    public static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED.withShape(F.vectorShape());
    public static final VectorSpecies<Short> H = N == 16 ? ShortVector.SPECIES_256 : N == 8 ? ShortVector.SPECIES_128 : ShortVector.SPECIES_64;
    /** 8 bytes when N is 4 (there is no 4-byte vector), then loaded under {@link #FIRST}. */
    public static final VectorSpecies<Byte> B = N == 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;
    /** The N bytes of a {@link #B} load that exist, so that a 4-lane load never reads past a block. */
    public static final VectorMask<Byte> FIRST = B.indexInRange(0, N);

    /** With 4 lanes, bytes come from one int: lane i shifts byte i down (unsigned) or to the top (signed). */
    private static final IntVector BYTE_SHIFT = IntVector.fromArray(I, new int[] {0, 8, 16, 24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0);
    private static final IntVector BYTE_TOP = IntVector.fromArray(I, new int[] {24, 16, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0);

    /** N bytes at {@code offset}, of which nothing beyond the N is read. */
    public static ByteVector byteVector(MemorySegment data, long offset) {
        return N == 4 ? ByteVector.fromMemorySegment(B, data, offset, ByteOrder.LITTLE_ENDIAN, FIRST)
                : ByteVector.fromMemorySegment(B, data, offset, ByteOrder.LITTLE_ENDIAN);
    }

    /** N bytes at {@code offset} as unsigned ints (0..255). */
    public static IntVector bytes(MemorySegment data, long offset) {
        if (N == 4) return IntVector.broadcast(I, data.get(Layouts.INT, offset)).lanewise(VectorOperators.LSHR, BYTE_SHIFT).and(0xff);
        return (IntVector) byteVector(data, offset).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** N bytes at {@code offset} as signed ints (-128..127). */
    public static IntVector signedBytes(MemorySegment data, long offset) {
        if (N == 4) {
            return IntVector.broadcast(I, data.get(Layouts.INT, offset)).lanewise(VectorOperators.LSHL, BYTE_TOP)
                    .lanewise(VectorOperators.ASHR, 24);
        }
        return (IntVector) byteVector(data, offset).convertShape(VectorOperators.B2I, I, 0);
    }

    /** N bytes of {@code a} from {@code offset} as signed ints. */
    public static IntVector signedBytes(byte[] a, int offset) {
        ByteVector v = N == 4 ? ByteVector.fromArray(B, a, offset, FIRST) : ByteVector.fromArray(B, a, offset);
        return (IntVector) v.convertShape(VectorOperators.B2I, I, 0);
    }

    public static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    /** The fp16 at a byte offset, as ggml's {@code GGML_FP16_TO_FP32}. */
    public static float half(MemorySegment data, long offset) {
        return Float.float16ToFloat(data.get(Layouts.SHORT, offset));
    }
}
