package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;
import dev.specula.tensor.TensorFormat;
import dev.specula.tensor.infra.Lanes;
import dev.specula.tensor.infra.Layouts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * BF16, the 32-value formats Q4_1, Q5_0, Q5_1 and the K-quants: the Vector API dequantizers bit for bit
 * against ggml's loops, dot and batched products against the scalar reference, and quantization error.
 */
class BlockFormatsTest {

    /** Byte offsets of each format's fp16 scale fields within a block. */
    private static final Map<GgmlType, int[]> HALF_FIELDS = Map.of(
            GgmlType.Q4_1, new int[] {0, 2},
            GgmlType.Q5_0, new int[] {0},
            GgmlType.Q5_1, new int[] {0, 2},
            GgmlType.Q2_K, new int[] {80, 82},
            GgmlType.Q3_K, new int[] {108},
            GgmlType.Q4_K, new int[] {0, 2},
            GgmlType.Q5_K, new int[] {0, 2},
            GgmlType.Q6_K, new int[] {208});

    /**
     * Relative RMS error of quantize-then-dequantize on N(0, 1) data, with a margin over what the
     * quantizers reach on this data (0.0017, 0.077, 0.043, 0.038, 0.30, 0.15, 0.071, 0.036, 0.018).
     */
    private static final Map<GgmlType, Double> RMS_BOUND = Map.of(
            GgmlType.BF16, 0.003,
            GgmlType.Q4_1, 0.1,
            GgmlType.Q5_0, 0.05,
            GgmlType.Q5_1, 0.045,
            GgmlType.Q2_K, 0.36,
            GgmlType.Q3_K, 0.18,
            GgmlType.Q4_K, 0.09,
            GgmlType.Q5_K, 0.045,
            GgmlType.Q6_K, 0.024);

    /** Random bytes with sane random fp16 scales, so every block is valid and finite. */
    static byte[] randomBlocks(GgmlType type, int blocks, Random rnd) {
        byte[] bytes = new byte[blocks * type.typeSize()];
        rnd.nextBytes(bytes);
        MemorySegment seg = MemorySegment.ofArray(bytes);
        for (int b = 0; b < blocks; b++) {
            if (type == GgmlType.BF16) {
                float v = (float) rnd.nextGaussian();
                seg.set(Layouts.SHORT, 2L * b, (short) (Float.floatToRawIntBits(v) >>> 16));
                continue;
            }
            for (int field : HALF_FIELDS.get(type)) {
                float scale = (float) (rnd.nextGaussian() * 0.01);
                seg.set(Layouts.SHORT, (long) b * type.typeSize() + field, Float.floatToFloat16(scale));
            }
        }
        return bytes;
    }

    static float[] gaussian(int n, Random rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    /** Elements per test unit: a block, or 32 values for BF16 so that lengths cover vector tails. */
    private static int unit(GgmlType type) {
        return type == GgmlType.BF16 ? 37 : type.blockSize();
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"BF16", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void dequantizeMatchesGgmlBitForBit(GgmlType type) {
        TensorFormat f = TensorFormat.of(type);
        Random rnd = new Random(11);
        int unit = unit(type);
        int units = 9;
        byte[] bytes = randomBlocks(type, (int) (type.byteSize((long) unit * units) / type.typeSize()), rnd);
        float[] expected = GgmlDequantize.row(type, bytes, bytes.length / type.typeSize());
        MemorySegment data = MemorySegment.ofArray(bytes);
        for (int first = 0; first < units; first++) {
            int n = unit * (units - first);
            float[] out = new float[n + 3];
            f.dequantize(data, (long) unit * first, out, 3, n);
            for (int i = 0; i < n; i++) {
                assertThat(out[3 + i]).as("%s element %d", type, unit * first + i).isEqualTo(expected[unit * first + i]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"BF16", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void dotMatchesTheScalarReference(GgmlType type) {
        TensorFormat f = TensorFormat.of(type);
        Random rnd = new Random(12);
        int unit = unit(type);
        int units = type.blockSize() == 256 ? 6 : 40;
        MemorySegment data = MemorySegment.ofArray(randomBlocks(type, (int) (type.byteSize((long) unit * units) / type.typeSize()), rnd));
        float[] x = gaussian(unit * units + 5, rnd);
        float[] w = new float[unit * units];
        f.dequantize(data, 0, w, 0, w.length);
        for (int trial = 0; trial < 100; trial++) {
            int first = rnd.nextInt(units);
            int n = unit * (1 + rnd.nextInt(units - first));
            int xo = rnd.nextInt(6);
            double magnitude = 0;
            for (int i = 0; i < n; i++) magnitude += Math.abs(w[unit * first + i] * x[xo + i]);
            float expected = f.dotScalar(data, (long) unit * first, x, xo, n);
            float actual = f.dot(data, (long) unit * first, x, xo, n);
            assertThat(actual).as("%s first=%d n=%d", type, first, n).isCloseTo(expected, within((float) (3e-5 * magnitude)));
        }
    }

    /** Odd row counts, sub-ranges of rows, rows longer than MatMul's column tile, every batch size to 16. */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"BF16", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void matmulRowsMatchesPerRowDotsForEveryBatchSize(GgmlType type) {
        TensorFormat f = TensorFormat.of(type);
        Random rnd = new Random(13);
        int[][] shapes = type.blockSize() == 256
                ? new int[][] {{1, 256}, {3, 512}, {7, 1280}, {5, 256}}
                : new int[][] {{1, 32}, {3, 96}, {7, 1088}, {5, 256}};
        for (int[] shape : shapes) {
            int rows = shape[0], cols = shape[1];
            MemorySegment data = MemorySegment.ofArray(randomBlocks(type, (int) (type.byteSize((long) rows * cols) / type.typeSize()), rnd));
            float[] w = new float[rows * cols];
            f.dequantize(data, 0, w, 0, w.length);
            for (int batch = 1; batch <= 16; batch++) {
                // products compute with their inputs rounded as llama.cpp rounds them (some kernels add in its
                // order over those), and take them so rounded unless they round them themselves (Q4_1, Q5_1, Q4_K..Q6_K)
                float[] raw = gaussian(batch * cols, rnd);
                float[] x = InputRounding.of(type).round(raw, batch * cols, new float[batch * cols]);
                float[] in = f.inputRounding() == InputRounding.NONE ? raw : x;
                int start = rows > 2 ? 1 : 0;
                int end = rows > 4 ? rows - 1 : rows;
                int stride = rows + 2;
                float[] out = new float[batch * stride];
                f.matmulRows(data, cols, start, end, in, batch, out, stride);
                for (int b = 0; b < batch; b++) {
                    for (int r = 0; r < rows; r++) {
                        float got = out[b * stride + r];
                        if (r < start || r >= end) {
                            assertThat(got).as("row %d outside the range", r).isZero();
                            continue;
                        }
                        double magnitude = 0;
                        for (int i = 0; i < cols; i++) magnitude += Math.abs(w[r * cols + i] * x[b * cols + i]);
                        float expected = f.dotScalar(data, (long) r * cols, x, b * cols, cols);
                        if (InputRounding.of(type) == InputRounding.Q8_1) expected += q8_1SumCorrection(type, data, r, cols, raw, x, b);
                        assertThat(got).as("%s rows=%d cols=%d batch=%d b=%d r=%d", type, rows, cols, batch, b, r)
                                .isCloseTo(expected, within((float) (3e-5 * magnitude)));
                    }
                }
            }
        }
    }

    /**
     * What Q8_1 adds to the product over the rounded inputs: per block the weights' minimum m times
     * s - sum(x_rounded), where s = half(d * sum q) is taken with the unrounded d = max|x| / 127.
     */
    private static float q8_1SumCorrection(GgmlType type, MemorySegment data, int r, int cols, float[] raw, float[] x, int b) {
        double correction = 0;
        for (int k = 0; k < cols / 32; k++) {
            long block = (long) (r * cols / 32 + k) * type.typeSize();
            float m = Float.float16ToFloat(data.get(Layouts.SHORT, block + 2));
            float amax = 0f, rounded = 0f;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(raw[b * cols + 32 * k + j]));
            int sumQ = 0;
            float dHalf = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
            for (int j = 0; j < 32; j++) {
                rounded += x[b * cols + 32 * k + j];
                if (dHalf != 0f) sumQ += Math.round(x[b * cols + 32 * k + j] / dHalf);
            }
            float s = Float.float16ToFloat(Float.floatToFloat16(amax / 127f * sumQ));
            correction += (double) m * (s - rounded);
        }
        return (float) correction;
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"BF16", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void quantizeThenDequantizeStaysWithinTheFormatsError(GgmlType type) {
        TensorFormat f = TensorFormat.of(type);
        Random rnd = new Random(14);
        int n = 256 * 64;
        float[] x = gaussian(n, rnd);
        byte[] q = new byte[(int) type.byteSize(n) + 7];
        f.quantize(x, 0, n, MemorySegment.ofArray(q), 7);
        float[] back = new float[n];
        f.dequantize(MemorySegment.ofArray(q).asSlice(7), 0, back, 0, n);
        double err = 0, energy = 0;
        for (int i = 0; i < n; i++) {
            err += (back[i] - x[i]) * (double) (back[i] - x[i]);
            energy += x[i] * (double) x[i];
        }
        assertThat(Math.sqrt(err / energy)).as(type.toString()).isLessThan(RMS_BOUND.get(type));
    }

    /** An all-zero block, a constant block and a one-spike block come back finite and close. */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"BF16", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void quantizeHandlesDegenerateBlocks(GgmlType type) {
        TensorFormat f = TensorFormat.of(type);
        int n = 256;
        float[][] cases = {new float[n], new float[n], new float[n]};
        java.util.Arrays.fill(cases[1], 0.75f);
        cases[2][17] = -3f;
        for (float[] x : cases) {
            byte[] q = new byte[(int) type.byteSize(n)];
            f.quantize(x, 0, n, MemorySegment.ofArray(q), 0);
            float[] back = new float[n];
            f.dequantize(MemorySegment.ofArray(q), 0, back, 0, n);
            for (int i = 0; i < n; i++) {
                assertThat(back[i]).as("%s element %d", type, i).isCloseTo(x[i], within(0.05f));
            }
        }
    }

    /** The 16-lane unpacking of Q4_K/Q5_K and Q3_K scales agrees with the scalar one that narrower vectors use. */
    @Test
    void vectorAndScalarScaleUnpackingAgree() {
        Random rnd = new Random(16);
        MemorySegment q4 = MemorySegment.ofArray(randomBlocks(GgmlType.Q4_K, 50, rnd));
        MemorySegment q3 = MemorySegment.ofArray(randomBlocks(GgmlType.Q3_K, 50, rnd));
        float[] scalar = new float[16];
        float[] vector = new float[16];
        for (int b = 0; b < 50; b++) {
            long q4Block = (long) b * Q4_K.BYTES;
            float d = Lanes.half(q4, q4Block), dmin = Lanes.half(q4, q4Block + 2);
            float[] unpacked = new float[16];
            for (float[] factors : new float[][] {{d, dmin}, {1f, 1f}}) { // the float and the llama-order kernels' use
                Q4_K.scalesMins(q4, q4Block, scalar, factors[0], factors[1]);
                Q4_K.scalesMins16(q4, q4Block, unpacked, factors[0], factors[1]);
                assertThat(unpacked).isEqualTo(scalar);
            }
            long block = (long) b * Q3_K.BYTES;
            Q3_K.scales(q3, block, vector);
            for (int j = 0; j < 16; j++) scalar[j] = Lanes.half(q3, block + 108) * Q3_K.scale(q3, block + 96, j);
            assertThat(vector).isEqualTo(scalar);
        }
    }

    /** BF16 rounds to the nearer of the two neighbouring bf16 values, ties to the even one. */
    @Test
    void bf16RoundsToNearestEven() {
        Random rnd = new Random(15);
        for (int trial = 0; trial < 100_000; trial++) {
            float v = trial % 2 == 0 ? Float.intBitsToFloat(rnd.nextInt()) : (float) rnd.nextGaussian();
            if (Float.isNaN(v) || Float.isInfinite(v)) continue;
            int bits = Float.floatToRawIntBits(v);
            float down = Float.intBitsToFloat(bits & 0xffff0000);
            float up = Float.intBitsToFloat((bits & 0xffff0000) + 0x10000);
            if (Float.isInfinite(up)) continue; // the overflow to infinity is IEEE's too, but not this test's
            float got = BF16.toFloat(BF16.fromFloat(v));
            double dDown = Math.abs((double) v - down), dUp = Math.abs((double) v - up);
            if (dDown < dUp) {
                assertThat(got).isEqualTo(down);
            } else if (dUp < dDown) {
                assertThat(got).isEqualTo(up);
            } else {
                assertThat(Float.floatToRawIntBits(got) & 0x10000).isZero();
            }
        }
        assertThat(BF16.toFloat(BF16.fromFloat(Float.NaN))).isNaN();
        assertThat(BF16.toFloat(BF16.fromFloat(Float.POSITIVE_INFINITY))).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void typeSwitchKnowsEveryFormat() {
        assertThat(TensorFormat.of(GgmlType.BF16)).isSameAs(BF16.INSTANCE);
        assertThat(TensorFormat.of(GgmlType.Q4_1)).isSameAs(Q4_1.INSTANCE);
        assertThat(TensorFormat.of(GgmlType.Q5_0)).isSameAs(Q5_0.INSTANCE);
        assertThat(TensorFormat.of(GgmlType.Q5_1)).isSameAs(Q5_1.INSTANCE);
        assertThat(TensorFormat.of(GgmlType.Q2_K)).isSameAs(Q2_K.INSTANCE);
        assertThat(TensorFormat.of(GgmlType.Q3_K)).isSameAs(Q3_K.INSTANCE);
        assertThat(TensorFormat.of(GgmlType.Q4_K)).isSameAs(Q4_K.INSTANCE);
        assertThat(TensorFormat.of(GgmlType.Q5_K)).isSameAs(Q5_K.INSTANCE);
        assertThat(TensorFormat.of(GgmlType.Q6_K)).isSameAs(Q6_K.INSTANCE);
    }
}
