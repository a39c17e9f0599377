package dev.specula.tensor.format;

import dev.specula.tensor.GgmlType;

/**
 * Plain scalar transcriptions of ggml's {@code dequantize_row_*} for the formats of {@link BlockFormatsTest},
 * loop for loop over one block's bytes, so that the Vector API dequantizers can be held to them bit for bit.
 */
final class GgmlDequantize {
    private GgmlDequantize() {}

    /** All values of {@code blocks} consecutive blocks of {@code type} in {@code bytes}. */
    static float[] row(GgmlType type, byte[] bytes, int blocks) {
        float[] y = new float[blocks * type.blockSize()];
        for (int i = 0; i < blocks; i++) {
            int at = i * type.typeSize();
            int yo = i * type.blockSize();
            switch (type) {
                case BF16 -> y[yo] = Float.intBitsToFloat(u16(bytes, at) << 16);
                case Q4_1 -> q4_1(bytes, at, y, yo);
                case Q5_0 -> q5_0(bytes, at, y, yo);
                case Q5_1 -> q5_1(bytes, at, y, yo);
                case Q2_K -> q2_K(bytes, at, y, yo);
                case Q3_K -> q3_K(bytes, at, y, yo);
                case Q4_K -> q4_K(bytes, at, y, yo);
                case Q5_K -> q5_K(bytes, at, y, yo);
                case Q6_K -> q6_K(bytes, at, y, yo);
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        return y;
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xff;
    }

    private static int u16(byte[] b, int i) {
        return u8(b, i) | u8(b, i + 1) << 8;
    }

    private static int u32(byte[] b, int i) {
        return u16(b, i) | u16(b, i + 2) << 16;
    }

    private static float half(byte[] b, int i) {
        return Float.float16ToFloat((short) u16(b, i));
    }

    // block_q4_1: d, m, qs[16]
    private static void q4_1(byte[] b, int at, float[] y, int yo) {
        float d = half(b, at), m = half(b, at + 2);
        for (int j = 0; j < 16; j++) {
            int x0 = u8(b, at + 4 + j) & 0x0f;
            int x1 = u8(b, at + 4 + j) >> 4;
            y[yo + j] = x0 * d + m;
            y[yo + j + 16] = x1 * d + m;
        }
    }

    // block_q5_0: d, qh[4], qs[16]
    private static void q5_0(byte[] b, int at, float[] y, int yo) {
        float d = half(b, at);
        int qh = u32(b, at + 2);
        for (int j = 0; j < 16; j++) {
            int xh0 = ((qh >>> j) << 4) & 0x10;
            int xh1 = (qh >>> (j + 12)) & 0x10;
            int x0 = ((u8(b, at + 6 + j) & 0x0f) | xh0) - 16;
            int x1 = ((u8(b, at + 6 + j) >> 4) | xh1) - 16;
            y[yo + j] = x0 * d;
            y[yo + j + 16] = x1 * d;
        }
    }

    // block_q5_1: d, m, qh[4], qs[16]
    private static void q5_1(byte[] b, int at, float[] y, int yo) {
        float d = half(b, at), m = half(b, at + 2);
        int qh = u32(b, at + 4);
        for (int j = 0; j < 16; j++) {
            int xh0 = ((qh >>> j) << 4) & 0x10;
            int xh1 = (qh >>> (j + 12)) & 0x10;
            int x0 = (u8(b, at + 8 + j) & 0x0f) | xh0;
            int x1 = (u8(b, at + 8 + j) >> 4) | xh1;
            y[yo + j] = x0 * d + m;
            y[yo + j + 16] = x1 * d + m;
        }
    }

    // block_q2_K: scales[16], qs[64], d, dmin
    private static void q2_K(byte[] b, int at, float[] y, int yo) {
        float d = half(b, at + 80), min = half(b, at + 82);
        int q = at + 16;
        int is = 0;
        for (int n = 0; n < 256; n += 128) {
            int shift = 0;
            for (int j = 0; j < 4; j++) {
                int sc = u8(b, at + is++);
                float dl = d * (sc & 0xf), ml = min * (sc >> 4);
                for (int l = 0; l < 16; l++) y[yo++] = dl * ((u8(b, q + l) >> shift) & 3) - ml;
                sc = u8(b, at + is++);
                dl = d * (sc & 0xf);
                ml = min * (sc >> 4);
                for (int l = 0; l < 16; l++) y[yo++] = dl * ((u8(b, q + l + 16) >> shift) & 3) - ml;
                shift += 2;
            }
            q += 32;
        }
    }

    // block_q3_K: hmask[32], qs[64], scales[12], d
    private static void q3_K(byte[] b, int at, float[] y, int yo) {
        float dAll = half(b, at + 108);
        int[] aux = new int[4];
        for (int i = 0; i < 3; i++) aux[i] = u32(b, at + 96 + 4 * i);
        int tmp = aux[2];
        int kmask1 = 0x03030303, kmask2 = 0x0f0f0f0f;
        aux[2] = ((aux[0] >>> 4) & kmask2) | (((tmp >>> 4) & kmask1) << 4);
        aux[3] = ((aux[1] >>> 4) & kmask2) | (((tmp >>> 6) & kmask1) << 4);
        aux[0] = (aux[0] & kmask2) | ((tmp & kmask1) << 4);
        aux[1] = (aux[1] & kmask2) | (((tmp >>> 2) & kmask1) << 4);
        int q = at + 32, hm = at;
        int m = 1;
        int is = 0;
        for (int n = 0; n < 256; n += 128) {
            int shift = 0;
            for (int j = 0; j < 4; j++) {
                float dl = dAll * (scaleByte(aux, is++) - 32);
                for (int l = 0; l < 16; l++) {
                    y[yo++] = dl * (((u8(b, q + l) >> shift) & 3) - ((u8(b, hm + l) & m) != 0 ? 0 : 4));
                }
                dl = dAll * (scaleByte(aux, is++) - 32);
                for (int l = 0; l < 16; l++) {
                    y[yo++] = dl * (((u8(b, q + l + 16) >> shift) & 3) - ((u8(b, hm + l + 16) & m) != 0 ? 0 : 4));
                }
                shift += 2;
                m <<= 1;
            }
            q += 32;
        }
    }

    private static int scaleByte(int[] aux, int i) {
        return (byte) (aux[i / 4] >>> (8 * (i % 4)));
    }

    // get_scale_min_k4
    private static int scaleK4(int j, byte[] b, int q) {
        return j < 4 ? u8(b, q + j) & 63 : (u8(b, q + j + 4) & 0xf) | ((u8(b, q + j - 4) >> 6) << 4);
    }

    private static int minK4(int j, byte[] b, int q) {
        return j < 4 ? u8(b, q + j + 4) & 63 : (u8(b, q + j + 4) >> 4) | ((u8(b, q + j) >> 6) << 4);
    }

    // block_q4_K: d, dmin, scales[12], qs[128]
    private static void q4_K(byte[] b, int at, float[] y, int yo) {
        float d = half(b, at), min = half(b, at + 2);
        int q = at + 16;
        int is = 0;
        for (int j = 0; j < 256; j += 64) {
            float d1 = d * scaleK4(is, b, at + 4), m1 = min * minK4(is, b, at + 4);
            float d2 = d * scaleK4(is + 1, b, at + 4), m2 = min * minK4(is + 1, b, at + 4);
            for (int l = 0; l < 32; l++) y[yo++] = d1 * (u8(b, q + l) & 0xf) - m1;
            for (int l = 0; l < 32; l++) y[yo++] = d2 * (u8(b, q + l) >> 4) - m2;
            q += 32;
            is += 2;
        }
    }

    // block_q5_K: d, dmin, scales[12], qh[32], qs[128]
    private static void q5_K(byte[] b, int at, float[] y, int yo) {
        float d = half(b, at), min = half(b, at + 2);
        int ql = at + 48, qh = at + 16;
        int is = 0;
        int u1 = 1, u2 = 2;
        for (int j = 0; j < 256; j += 64) {
            float d1 = d * scaleK4(is, b, at + 4), m1 = min * minK4(is, b, at + 4);
            float d2 = d * scaleK4(is + 1, b, at + 4), m2 = min * minK4(is + 1, b, at + 4);
            for (int l = 0; l < 32; l++) y[yo++] = d1 * ((u8(b, ql + l) & 0xf) + ((u8(b, qh + l) & u1) != 0 ? 16 : 0)) - m1;
            for (int l = 0; l < 32; l++) y[yo++] = d2 * ((u8(b, ql + l) >> 4) + ((u8(b, qh + l) & u2) != 0 ? 16 : 0)) - m2;
            ql += 32;
            is += 2;
            u1 <<= 2;
            u2 <<= 2;
        }
    }

    // block_q6_K: ql[128], qh[64], scales[16] (int8), d
    private static void q6_K(byte[] b, int at, float[] y, int yo) {
        float d = half(b, at + 208);
        int ql = at, qh = at + 128, sc = at + 192;
        for (int n = 0; n < 256; n += 128) {
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int q1 = (byte) ((u8(b, ql + l) & 0xf) | (((u8(b, qh + l) >> 0) & 3) << 4)) - 32;
                int q2 = (byte) ((u8(b, ql + l + 32) & 0xf) | (((u8(b, qh + l) >> 2) & 3) << 4)) - 32;
                int q3 = (byte) ((u8(b, ql + l) >> 4) | (((u8(b, qh + l) >> 4) & 3) << 4)) - 32;
                int q4 = (byte) ((u8(b, ql + l + 32) >> 4) | (((u8(b, qh + l) >> 6) & 3) << 4)) - 32;
                y[yo + l] = d * b[sc + is] * q1;
                y[yo + l + 32] = d * b[sc + is + 2] * q2;
                y[yo + l + 64] = d * b[sc + is + 4] * q3;
                y[yo + l + 96] = d * b[sc + is + 6] * q4;
            }
            yo += 128;
            ql += 64;
            qh += 32;
            sc += 8;
        }
    }
}
