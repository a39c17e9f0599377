/*
 * Q4_0 products in llama.cpp's order (its repacked q4_0_8x8 gemv and gemm, the same arithmetic for one input
 * and for a batch; the Java twin is dev.specula.tensor.kernel.Q4_0Lanes): the input rounded to Q8_0, then per
 * output row, block after block, acc = fma((float) isum, dw * dx, acc) from +0, where isum is the exact integer
 * dot of the block's (nibble - 8) with the input's bytes, dw the weight's half scale and dx the input's, as
 * floats, dw * dx one float multiply. Every int32 lane is a weight row: no lane sums, so the bits depend neither
 * on the level (AVX-512 VNNI, AVX-VNNI, AVX2, scalar) nor on the batch or the split of the rows.
 *
 * Weights (specula_q4_0_repack, once per matrix): groups of 16 rows, the last padded with zero rows, group g at
 * g * Q4_GSTRIDE(nb); block j of a group in the pair p = j / 2 of its blocks, 576 bytes a pair:
 *   [256 (j % 2) + 64k, + 64) for k < 4: row l's bytes 4k..4k+3 at 4l (low nibbles: values 4k..4k+3 of the
 *                                        block, high nibbles: 16 + 4k..)
 *   [512 + 32 (j % 2), + 32):            the 16 rows' half scales
 * so that every 64-byte load stays on one cache line and a group is one stream.
 * Inputs (dev.specula.tensor.ffi.Q4_0Inputs): input t at x + t * xstride, block j at 40 j: its 32 bytes q, its
 * scale d as a float, then -8 * sum(q) as an int32 (the kernels take the nibbles unsigned; this takes the 8s
 * back out). Output: out[t * ostride + r] for rows r in [r0, r1).
 */
#include "specula_common.h"

#include <math.h>

#define Q4_PAIR 576
#define Q4_GSTRIDE(nb) ((int64_t) Q4_PAIR * (((nb) + 1) / 2))
#define Q4_QUANTS(g, j) ((g) + (int64_t) ((j) >> 1) * Q4_PAIR + ((j) & 1) * 256)
#define Q4_SCALES(g, j) ((g) + (int64_t) ((j) >> 1) * Q4_PAIR + 512 + ((j) & 1) * 32)
#define Q4_IN 40
/* Inputs per call: every decoded weight register serves them all (AVX2: as many as its 16 registers hold). */
#define Q4_MAXT 8
#define Q4_MAXT2 4
/* Bytes ahead of the block being read that are prefetched into L1, and four times as far into L2, so that
   DRAM keeps streaming while a batch computes. */
#ifndef Q4_PREFETCH
#define Q4_PREFETCH 4096
#endif

/* The input's 4 bytes at byte `at` of its block, as an int32 to broadcast. */
static inline int32_t q4_word(const uint8_t *xb, int at) {
    int32_t v;
    memcpy(&v, xb + at, 4);
    return v;
}

static inline float q4_dx(const uint8_t *xb) {
    float d;
    memcpy(&d, xb + 32, 4);
    return d;
}

/* Groups [g0, g1) of src (rows of nb ggml blocks) into dst; a scalar shuffle, run once per matrix. */
void specula_q4_0_repack(const uint8_t *src, uint8_t *dst, int32_t rows, int32_t nb, int32_t g0, int32_t g1) {
    const int64_t rb = 18 * (int64_t) nb;
    for (int64_t g = g0; g < g1; g++) {
        uint8_t *d = dst + g * Q4_GSTRIDE(nb);
        memset(d, 0, (size_t) Q4_GSTRIDE(nb));
        for (int l = 0; l < 16 && 16 * g + l < rows; l++) {
            const uint8_t *s = src + (16 * g + l) * rb;
            for (int j = 0; j < nb; j++, s += 18) {
                for (int k = 0; k < 4; k++) memcpy(Q4_QUANTS(d, j) + 64 * k + 4 * l, s + 2 + 4 * k, 4);
                memcpy(Q4_SCALES(d, j) + 2 * l, s, 2);
            }
        }
    }
}

/* Prefetches a pair's lines (once per pair, at its first block). */
#define Q4_PREFETCH_PAIR(w, j, ahead)                                                         \
    if (((j) & 1) == 0) {                                                                     \
        const char *p_ = (const char *) Q4_QUANTS(w, j);                                      \
        for (int l_ = 0; l_ < Q4_PAIR; l_ += 64) {                                            \
            _mm_prefetch(p_ + (ahead) + l_, _MM_HINT_T0);                                     \
            _mm_prefetch(p_ + 4 * (ahead) + l_, _MM_HINT_T1);                                 \
        }                                                                                     \
    }

/* ---------------------------------------------------------------------------------------------------
 * AVX-512 VNNI: the 16 rows of a group in one register, T inputs at a time. Per block and word k, the low and
 * high nibbles of the 16 rows' bytes 4k..4k+3 meet the input's bytes 4k.. and 16 + 4k.., broadcast, in two
 * vpdpbusd; the lane starts at the input's -8 sum(q).
 */
T512 INLINE void q4_tile512(const int T, const uint8_t *w, int nb, const uint8_t *x, int64_t xstride,
                            float *out, int64_t ostride, int n0, int n1) {
    __m512 acc[Q4_MAXT];
    UNROLL
    for (int t = 0; t < T; t++) acc[t] = _mm512_setzero_ps();
    const __m512i m = _mm512_set1_epi8(0x0F);
    for (int j = 0; j < nb; j++) {
        Q4_PREFETCH_PAIR(w, j, Q4_PREFETCH)
        const uint8_t *b = Q4_QUANTS(w, j);
        __m512i s[Q4_MAXT];
        UNROLL
        for (int t = 0; t < T; t++) s[t] = _mm512_set1_epi32(q4_word(x + t * xstride + (int64_t) Q4_IN * j, 36));
        UNROLL
        for (int k = 0; k < 4; k++) {
            const __m512i o = _mm512_loadu_si512(b + 64 * k);
            const __m512i lo = _mm512_and_si512(o, m), hi = _mm512_and_si512(_mm512_srli_epi16(o, 4), m);
            UNROLL
            for (int t = 0; t < T; t++) {
                const uint8_t *xb = x + t * xstride + (int64_t) Q4_IN * j;
                s[t] = _mm512_dpbusd_epi32(s[t], lo, _mm512_set1_epi32(q4_word(xb, 4 * k)));
                s[t] = _mm512_dpbusd_epi32(s[t], hi, _mm512_set1_epi32(q4_word(xb, 16 + 4 * k)));
            }
        }
        const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *) Q4_SCALES(w, j)));
        UNROLL
        for (int t = 0; t < T; t++) {
            const __m512 sc = _mm512_mul_ps(dw, _mm512_set1_ps(q4_dx(x + t * xstride + (int64_t) Q4_IN * j)));
            acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s[t]), sc, acc[t]);
        }
    }
    const __mmask16 keep = (__mmask16) ((0xFFFFu >> (16 - (n1 - n0))) << n0);
    UNROLL
    for (int t = 0; t < T; t++) _mm512_mask_storeu_ps(out + t * ostride, keep, acc[t]);
}

#define Q4_CALL512(TT) q4_tile512(TT, w, nb, x, xstride, out, ostride, n0, n1)

T512 static void q4_tile512_any(int T, const uint8_t *w, int nb, const uint8_t *x, int64_t xstride,
                                float *out, int64_t ostride, int n0, int n1) {
    switch (T) {
        case 1: Q4_CALL512(1); break; case 2: Q4_CALL512(2); break;
        case 3: Q4_CALL512(3); break; case 4: Q4_CALL512(4); break;
        case 5: Q4_CALL512(5); break; case 6: Q4_CALL512(6); break;
        case 7: Q4_CALL512(7); break; case 8: Q4_CALL512(8); break;
    }
}

/* ---------------------------------------------------------------------------------------------------
 * AVX2 and AVX-VNNI: the same on 256-bit registers, 8 rows each (specula_q4_0_avx2.inc).
 */
#define VNNI 0
#include "specula_q4_0_avx2.inc"
#undef VNNI
#define VNNI 1
#include "specula_q4_0_avx2.inc"
#undef VNNI

/* ---------------------------------------------------------------------------------------------------
 * Scalar: the same sums in the same order, for CPUs without AVX2 (and as a readable statement of the others).
 */
static void q4_tile_scalar(int T, const uint8_t *w, int nb, const uint8_t *x, int64_t xstride,
                           float *out, int64_t ostride, int n0, int n1) {
    for (int l = n0; l < n1; l++) {
        for (int t = 0; t < T; t++) {
            float acc = 0.0f;
            for (int j = 0; j < nb; j++) {
                const uint8_t *b = Q4_QUANTS(w, j) + 4 * l;
                const uint8_t *xb = x + t * xstride + (int64_t) Q4_IN * j;
                const int8_t *q = (const int8_t *) xb;
                int isum = 0;
                for (int k = 0; k < 4; k++)
                    for (int i = 0; i < 4; i++) {
                        const int v = b[64 * k + i];
                        isum += ((v & 15) - 8) * q[4 * k + i] + ((v >> 4) - 8) * q[16 + 4 * k + i];
                    }
                const float dw = half_to_float(load_u16(Q4_SCALES(w, j) + 2 * l));
                acc = fmaf((float) isum, dw * q4_dx(xb), acc);
            }
            out[t * ostride + l] = acc;
        }
    }
}

/* ---------------------------------------------------------------------------------------------------
 * Dispatch: group after group of 16 rows; per group the inputs in runs of at most Q4_MAXT (Q4_MAXT2 at the
 * AVX2 levels), as even as possible. A group's weights (nb x 288 bytes) stay in L2 while the runs pass over
 * them.
 */
void specula_q4_0_matmul(int32_t level, const uint8_t *w, int32_t r0, int32_t r1, int32_t nb,
                         const uint8_t *x, int64_t xstride, int32_t batch, float *out, int32_t ostride) {
    const int maxt = level == LEVEL_AVX512_VNNI ? Q4_MAXT : Q4_MAXT2;
    const int runs = (batch + maxt - 1) / maxt;
    if (r0 >= r1) return;
    for (int g = r0 / 16; 16 * g < r1; g++) {
        const uint8_t *wg = w + (int64_t) g * Q4_GSTRIDE(nb);
        const int n0 = r0 > 16 * g ? r0 - 16 * g : 0, n1 = r1 - 16 * g < 16 ? r1 - 16 * g : 16;
        for (int run = 0, t0 = 0; run < runs; run++) {
            const int t1 = (int) ((int64_t) batch * (run + 1) / runs), T = t1 - t0;
            const uint8_t *xt = x + t0 * xstride;
            float *o = out + (int64_t) t0 * ostride + 16 * g;
            if (level == LEVEL_AVX512_VNNI) q4_tile512_any(T, wg, nb, xt, xstride, o, ostride, n0, n1);
            else if (level == LEVEL_AVX_VNNI) q4_tile_any_vnni(T, wg, nb, xt, xstride, o, ostride, n0, n1);
            else if (level == LEVEL_AVX2) q4_tile_any_avx2(T, wg, nb, xt, xstride, o, ostride, n0, n1);
            else q4_tile_scalar(T, wg, nb, xt, xstride, o, ostride, n0, n1);
            t0 = t1;
        }
    }
}
