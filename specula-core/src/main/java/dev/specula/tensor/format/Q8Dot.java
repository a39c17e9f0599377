package dev.specula.tensor.format;

import dev.specula.tensor.kernel.MatMul;

import dev.specula.tensor.TensorFormat;

import java.lang.foreign.MemorySegment;

/**
 * Products of 32-value weight blocks with inputs rounded through Q8_0 ({@link InputRounding#Q8_0}), added in
 * the order of llama.cpp's x86 {@code ggml_vec_dot_*_q8_0} (AVX2 and up, and its llamafile GEMM for larger
 * batches): per block, 8 int32 lanes each summing the products of 4 consecutive values (lane j: values
 * 4j..4j+3), exact; then per lane {@code acc = fma(d_w * d_x, lane, acc)}, block after block; then the
 * 8 lanes summed as {@code ((a0+a4)+(a2+a6)) + ((a1+a5)+(a3+a7))}.
 *
 * <p>Why this order and no other: the next product rounds its input to 8 bits and attention rounds to F16,
 * so a last-bit difference here flips some of those roundings and grows into logit differences of about 1%
 * of the largest logit (measured against llama.cpp's own intermediate tensors). In this order the products,
 * and so the logits of a Q8_0 model, are llama.cpp's bit for bit.
 *
 * <p>The 8 lanes are scalar locals, so the bits do not depend on the vector width; each input's value does
 * not depend on the batch.
 */
final class Q8Dot {
    private Q8Dot() {}

    static final int BLOCK = 32;

    /**
     * The rounded inputs again as llama.cpp holds them: per block of 32, the scale d (a half's value) and the
     * 32 bytes q, 4 to an int (value 4j + k in byte k of int j). Recovered exactly from the rounded floats
     * q * d: the value of largest magnitude has |q| = 127, so d = max|x| / 127 and q = x / d.
     */
    static final class Inputs {
        int[] q = new int[0];
        float[] d = new float[0];

        /** Per block, the half {@code s = d * sum(q)} of {@code quantize_row_q8_1}, d unrounded (Q8_1 only). */
        float[] s = new float[0];

        private void size(int blocks) {
            if (d.length < blocks) {
                d = new float[blocks];
                s = new float[blocks];
                q = new int[blocks * BLOCK / 4];
            }
        }

        /**
         * Quantizes {@code batch} raw inputs of {@code cols} values as llama.cpp's x86 {@code quantize_row_q8_1}
         * does: the values as {@link InputRounding#Q8_0} rounds them, and s = half(d * sum(q)) with the float
         * d = max|x| / 127 before its rounding to a half, which the rounded values no longer tell.
         */
        void q8_1(float[] x, int batch, int cols) {
            int blocks = batch * cols / BLOCK;
            size(blocks);
            for (int b = 0; b < blocks; b++) {
                int o = b * BLOCK;
                float amax = 0f;
                for (int j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(x[o + j]));
                float scale = amax / 127f;
                float inv = amax != 0f ? 127f / amax : 0f;
                int sum = 0;
                for (int j = 0; j < BLOCK / 4; j++) {
                    int word = 0;
                    for (int k = 0; k < 4; k++) {
                        int v = (int) Math.rint(x[o + 4 * j + k] * inv);
                        sum += v;
                        word |= (v & 0xff) << (8 * k);
                    }
                    q[b * BLOCK / 4 + j] = word;
                }
                d[b] = Float.float16ToFloat(Float.floatToFloat16(scale));
                s[b] = Float.float16ToFloat(Float.floatToFloat16(scale * sum));
            }
        }

        /** Fills from {@code batch} inputs of {@code cols} values rounded through Q8_0; reuses its arrays. */
        void from(float[] x, int batch, int cols) {
            int blocks = batch * cols / BLOCK;
            size(blocks);
            for (int b = 0; b < blocks; b++) {
                int o = b * BLOCK;
                float amax = 0f;
                for (int j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(x[o + j]));
                float scale = amax / 127f;
                float inv = amax == 0f ? 0f : 1f / scale;
                d[b] = scale;
                for (int j = 0; j < BLOCK / 4; j++) {
                    int word = 0;
                    for (int k = 0; k < 4; k++) word |= (Math.round(x[o + 4 * j + k] * inv) & 0xff) << (8 * k);
                    q[b * BLOCK / 4 + j] = word;
                }
            }
        }
    }

    /**
     * A row's values as signed bytes, 4 to an int (value 4j + k of block b in byte k of int 8b + j), and its
     * block scales: what a format unpacks once per row before its {@link #dot}s with every input.
     */
    static final class Row {
        int[] q = new int[0];
        float[] d = new float[0];
        /** The block minimums m of Q4_1 and Q5_1 rows. */
        float[] m = new float[0];

        /** Room for {@code blocks} blocks; returns this. */
        Row size(int blocks) {
            if (d.length < blocks) {
                d = new float[blocks];
                m = new float[blocks];
                q = new int[8 * blocks];
            }
            return this;
        }
    }

    private static final ThreadLocal<Row> ROW = ThreadLocal.withInitial(Row::new);

    /** This thread's reusable row of {@code blocks} blocks. */
    static Row row(int blocks) {
        return ROW.get().size(blocks);
    }

    /**
     * The dot product of {@code blocks} blocks of {@code w} with input blocks {@code first..} of {@code in}; with
     * {@code minimums} (Q4_1, Q5_1 with Q8_1 inputs) plus the sum of {@code m_w * s_x} kept apart, block after
     * block, as {@code ggml_vec_dot_q4_1_q8_1} keeps it, added last.
     *
     * <p>Scalar on purpose, its 8 lanes in 8 locals: a 128-bit Vector API version here shares the JDK's
     * {@code IntVector.lanewise(op, int)} and {@code convert} with the 512-bit K-quant kernels, and its
     * second receiver type in their profiles made C2 stop intrinsifying them in {@code Q4_K.dot}, which
     * then allocated 48 KiB per product (ProductTest.aProductAllocatesNothingOnceWarm).
     */
    static float dot(Row w, Inputs in, int first, int blocks, boolean minimums) {
        float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
        int[] wq = w.q, xq = in.q;
        float mins = 0f;
        for (int k = 0, i = first; k < blocks; k++, i++) {
            float d = w.d[k] * in.d[i];
            if (minimums) mins += w.m[k] * in.s[i]; // a product of two halves: exact, so fused or not alike
            int wo = 8 * k, xo = 8 * i;
            a0 = Math.fma((float) lane(wq[wo], xq[xo]), d, a0);
            a1 = Math.fma((float) lane(wq[wo + 1], xq[xo + 1]), d, a1);
            a2 = Math.fma((float) lane(wq[wo + 2], xq[xo + 2]), d, a2);
            a3 = Math.fma((float) lane(wq[wo + 3], xq[xo + 3]), d, a3);
            a4 = Math.fma((float) lane(wq[wo + 4], xq[xo + 4]), d, a4);
            a5 = Math.fma((float) lane(wq[wo + 5], xq[xo + 5]), d, a5);
            a6 = Math.fma((float) lane(wq[wo + 6], xq[xo + 6]), d, a6);
            a7 = Math.fma((float) lane(wq[wo + 7], xq[xo + 7]), d, a7);
        }
        // ggml's hsum_float_8: ((a0+a4)+(a2+a6)) + ((a1+a5)+(a3+a7))
        float sum = ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7));
        return minimums ? sum + mins : sum;
    }

    /** The 4 signed bytes of {@code w} times those of {@code x}, pairwise, added: exact. */
    private static int lane(int w, int x) {
        return (byte) w * (byte) x + (byte) (w >> 8) * (byte) (x >> 8)
                + (byte) (w >> 16) * (byte) (x >> 16) + (w >> 24) * (x >> 24);
    }

    /** How a Q8_1-input format lays one weight row out as {@link Row} scales, minimums and byte values. */
    interface RowUnpacker {
        void unpack(MemorySegment data, long row, int blocks, Row w);
    }

    /**
     * What a format whose inputs are quantized to Q8_1 (Q4_1, Q5_1: llama.cpp's block sums use the scale before it
     * is rounded to half, which rounded inputs cannot give back) reads of its raw inputs, once per product: the
     * values rounded through {@link InputRounding#Q8_1} for the shared tiles, else the Q8_1 blocks.
     */
    static void prepareQ8_1(PreparedInputs in) {
        if (TensorFormat.sharesTiles(in.batch, in.cols)) in.round(InputRounding.Q8_1);
        else in.q8.q8_1(in.x, in.batch, in.cols);
    }

    /**
     * The product of a Q8_1-input format on inputs {@link #prepareQ8_1} prepared, in llama.cpp's order; batches of
     * {@link TensorFormat#SHARED_TILE_BATCH} and more share dequantized tiles ({@link MatMul#tiled}).
     */
    static void matmulQ8_1(TensorFormat format, int blockBytes, RowUnpacker unpacker, MemorySegment data, int cols,
                           int rowStart, int rowEnd, PreparedInputs in, float[] out, int outStride) {
        int batch = in.batch;
        if (TensorFormat.sharesTiles(batch, cols)) {
            MatMul.tiled(format, data, cols, rowStart, rowEnd, in.x, batch, out, outStride);
            return;
        }
        int blocks = cols / 32;
        Row w = row(blocks);
        for (int r = rowStart; r < rowEnd; r++) {
            unpacker.unpack(data, (long) r * blocks * blockBytes, blocks, w);
            for (int b = 0; b < batch; b++) out[b * outStride + r] = dot(w, in.q8, b * blocks, blocks, true);
        }
    }
}
