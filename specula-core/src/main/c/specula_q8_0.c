/*
 * Native Q8_0 products in llama.cpp's order: the bits of ggml_vec_dot_q8_0_q8_0 (x86, AVX2 and up) and of
 * llamafile's Q0 GEMM, and so of the Java Q8_0 product (dev.specula.tensor.format.Q8Dot). Per weight row and
 * input, 8 float lanes; block after block, lane k = fma(fl(dw * dx), s_k, lane k), s_k the exact sum of the 4
 * products of values 4k..4k+3; at the end the lanes summed as ggml's hsum_float_8 sums them,
 * ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)). Only the integer sums s_k are formed freely (they are
 * exact), so every level (AVX-512 VNNI, AVX-VNNI, AVX2, scalar) gives the same bits.
 *
 * AVX-512 VNNI holds a pair of rows in a 512-bit register, 8 lanes each: one vpdpbusd forms both rows' lane
 * sums for a block, then one conversion, one multiply (the scales) and one FMA per pair, input and block.
 * That is 3 float operations per 64 weight bytes where the former kernel of specula_kernels.c (its own order, one
 * block per lane) had 3 per 1024: the cost of llama.cpp's order (docs/NUMERICS.md).
 *
 * Tried and dropped, in a throwaway harness (one thread, cache-resident 128x4096 and 2048x512, batch 5, Zen 5):
 * the scales as a broadcast per block from a table of products made once per 8 blocks, the pair's lanes
 * interleaved (inputs twice as wide): no faster; a permute of such a table instead of the multiply: 4-8%
 * slower; 3 pairs a tile: 9% slower; vpdpbusd with the input as the unsigned operand and a correction from the
 * weights (inputs half as wide): as fast at batch 5, slower at batch 1 from DRAM.
 *
 * Weights, repacked once per matrix (specula_q8_0_repack; the file's size): rows in pairs (2p, 2p + 1), pair p
 * at 2p * rb (rb = 34 nb bytes a row), the last row of an odd count alone (n = 1 row in its pair, else n = 2).
 * A pair's blocks go in groups of 16 (the last group: the k = nb % 16 left), 544 n bytes a full group:
 *   [32 n i + 32 h, +32)       block i of the group, row h: its 32 bytes q, plus 128 (unsigned, for vpdpbusd)
 *   [32 n k + 2 (n i + h), +2) block i, row h: its half scale d
 * A full group of a pair is 1088 bytes (17 cache lines): with nb a multiple of 16 its 64-byte blocks stay
 * on line boundaries.
 *
 * Inputs (dev.specula.tensor.ffi.Q8_0Inputs): input t at x + t * xstride, rounded to Q8_0 blocks:
 *   [64 j, 64 j + 32)       block j's 32 signed bytes q
 *   [64 j + 32, 64 j + 64)  8 int32: -128 (q[4k] + ... + q[4k + 3]), which takes the weights' 128 back out
 *   [64 nb + 4 j, +4)       block j's scale d, as a float
 * Output: out[t * ostride + r] for rows r in [r0, r1).
 */
#include "specula_common.h"

#include <math.h>

#define Q8_MAXT 8
/* Blocks per scale load: a span; column chunks and block ranges start on a span. */
#define Q8_SPAN 8
/* Input bytes per span: 8 blocks of 64, and their 8 scales. */
#define Q8_SPAN_INPUT (Q8_SPAN * 68)
/* Pairs of rows whose accumulators are parked between column chunks. */
#define Q8_ROW_PAIRS 8
#define Q8_L1_INPUT_BYTES 32768
/* Bytes ahead along a pair's weights that are prefetched into L1 (and 4x as far into L2). */
#ifndef Q8_PREFETCH
#define Q8_PREFETCH 4096
#endif

/* ggml's hsum_float_8. */
T256 INLINE float q8_hsum8(__m256 v) {
    __m128 r = _mm_add_ps(_mm256_extractf128_ps(v, 1), _mm256_castps256_ps128(v));
    r = _mm_add_ps(r, _mm_movehl_ps(r, r));
    r = _mm_add_ss(r, _mm_movehdup_ps(r));
    return _mm_cvtss_f32(r);
}

/* Blocks in group g of a row of nb blocks. */
static inline int q8_group_blocks(int nb, int g) {
    return nb - 16 * g < 16 ? nb - 16 * g : 16;
}

/* Prefetches the weights of a span of a pair: its blocks, and after the second span of a group its scales. */
#define Q8_PREFETCH_SPAN(c, bytes, ahead)                                                    \
    for (int l_ = 0; l_ < (bytes); l_ += 64) {                                               \
        _mm_prefetch((const char *) ((c) + (ahead) + l_), _MM_HINT_T0);                      \
        _mm_prefetch((const char *) ((c) + 4 * (ahead) + l_), _MM_HINT_T1);                  \
    }

/* ---------------------------------------------------------------------------------------------------
 * AVX-512 VNNI: P pairs (1 or 2) x T inputs; lanes 0..7 of a pair's accumulator are row 2p's, 8..15 row 2p + 1's.
 */

/* The float scales of m blocks of a pair from block i0 of its group: (block i, row h) at 2i + h. */
T512 INLINE __m512 q8_scales512(const uint8_t *s, int m) {
    if (m == Q8_SPAN) return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *) s));
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16((__mmask16) ((1u << (2 * m)) - 1), s));
}

T512 INLINE void q8_span512(const int P, const int T, const int m, const uint8_t *const gb[2], const __m512 ds[2],
                            int i0, const uint8_t *x, int64_t xstride, int j, int nb, __m512 acc[2][Q8_MAXT]) {
    const __m512i halves = _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    UNROLL
    for (int i = 0; i < m; i++) {
        __m512i u[2];
        __m512 dw[2];
        UNROLL
        for (int p = 0; p < P; p++) {
            u[p] = _mm512_loadu_si512(gb[p] + 64 * (i0 + i));
            dw[p] = _mm512_permutexvar_ps(_mm512_add_epi32(halves, _mm512_set1_epi32(2 * i)), ds[p]);
        }
        UNROLL
        for (int t = 0; t < T; t++) {
            const uint8_t *xt = x + t * xstride;
            const uint8_t *xb = xt + 64 * (int64_t) (j + i);
            const __m512i xv = _mm512_broadcast_i32x8(_mm256_loadu_si256((const __m256i *) xb));
            const __m512i bias = _mm512_broadcast_i32x8(_mm256_loadu_si256((const __m256i *) (xb + 32)));
            const __m512 dx = _mm512_set1_ps(((const float *) (xt + 64 * (int64_t) nb))[j + i]);
            UNROLL
            for (int p = 0; p < P; p++) {
                const __m512i s = _mm512_dpbusd_epi32(bias, u[p], xv);
                acc[p][t] = _mm512_fmadd_ps(_mm512_mul_ps(dw[p], dx), _mm512_cvtepi32_ps(s), acc[p][t]);
            }
        }
    }
}

/* Blocks [j0, j1) (j0 on a span; j1 too, or nb) of P pairs at w, w + pstride, on accumulators parked in accmem
   (16 floats per pair and input, pair-major, Q8_MAXT inputs a pair; fresh when first); with out, the rows'
   sums are stored (row 2p of the tile at out[t * ostride + 2p]) instead. */
T512 INLINE void q8_tile512(const int P, const int T, const uint8_t *w, int64_t pstride, int nb, int j0, int j1,
                            const uint8_t *x, int64_t xstride, float *accmem, int first, float *out, int64_t ostride,
                            int64_t ahead) {
    __m512 acc[2][Q8_MAXT];
    UNROLL
    for (int p = 0; p < P; p++)
        UNROLL
        for (int t = 0; t < T; t++)
            acc[p][t] = first ? _mm512_setzero_ps() : _mm512_loadu_ps(accmem + 16 * (p * Q8_MAXT + t));
    for (int j = j0; j < j1; j += Q8_SPAN) {
        const int g = j >> 4, i0 = j & 15, k = q8_group_blocks(nb, g);
        const int m = j1 - j < Q8_SPAN ? j1 - j : Q8_SPAN;
        const uint8_t *gb[2];
        __m512 ds[2];
        UNROLL
        for (int p = 0; p < P; p++) {
            gb[p] = w + p * pstride + (int64_t) g * 1088;
            ds[p] = q8_scales512(gb[p] + 64 * k + 4 * i0, m);
            Q8_PREFETCH_SPAN(gb[p] + 64 * i0, i0 ? 576 : 512, ahead)
        }
        if (m == Q8_SPAN) q8_span512(P, T, Q8_SPAN, gb, ds, i0, x, xstride, j, nb, acc);
        else q8_span512(P, T, m, gb, ds, i0, x, xstride, j, nb, acc);
    }
    UNROLL
    for (int p = 0; p < P; p++)
        UNROLL
        for (int t = 0; t < T; t++) {
            if (out) {
                out[t * ostride + 2 * p] = q8_hsum8(_mm512_castps512_ps256(acc[p][t]));
                out[t * ostride + 2 * p + 1] = q8_hsum8(_mm512_extractf32x8_ps(acc[p][t], 1));
            } else {
                _mm512_storeu_ps(accmem + 16 * (p * Q8_MAXT + t), acc[p][t]);
            }
        }
}

#define Q8_CALL512(PP, TT) q8_tile512(PP, TT, w, pstride, nb, j0, j1, x, xstride, accmem, first, out, ostride, ahead)
#define Q8_T512(PP)                                                                   \
    switch (T) {                                                                      \
        case 1: Q8_CALL512(PP, 1); break; case 2: Q8_CALL512(PP, 2); break;           \
        case 3: Q8_CALL512(PP, 3); break; case 4: Q8_CALL512(PP, 4); break;           \
        case 5: Q8_CALL512(PP, 5); break; case 6: Q8_CALL512(PP, 6); break;           \
        case 7: Q8_CALL512(PP, 7); break; case 8: Q8_CALL512(PP, 8); break;           \
    }

T512 static void q8_tile512_any(int P, int T, const uint8_t *w, int64_t pstride, int nb, int j0, int j1,
                                const uint8_t *x, int64_t xstride, float *accmem, int first, float *out,
                                int64_t ostride, int64_t ahead) {
    if (P == 2) { Q8_T512(2) } else { Q8_T512(1) }
}

/* ---------------------------------------------------------------------------------------------------
 * 256 bits, one row a register (specula_q8_0_256.inc): AVX2 (vpmaddubsw + vpmaddwd), AVX-VNNI, and the
 * AVX-512 level's single rows (a range's odd first or last row) with AVX-512 VL's vpdpbusd.
 */
#define Q8_MODE 0
#include "specula_q8_0_256.inc"
#undef Q8_MODE
#define Q8_MODE 1
#include "specula_q8_0_256.inc"
#undef Q8_MODE
#define Q8_MODE 2
#include "specula_q8_0_256.inc"
#undef Q8_MODE

/* ---------------------------------------------------------------------------------------------------
 * Scalar: the same float operations, one row at a time (and a plain statement of what the others do).
 */
static void q8_row_scalar(const uint8_t *w, int n, int h, int nb, const uint8_t *x, int64_t xstride, int T,
                          float *out, int64_t ostride) {
    for (int t = 0; t < T; t++) {
        const uint8_t *xt = x + t * xstride;
        float a[8] = {0};
        for (int j = 0; j < nb; j++) {
            const int g = j >> 4, i = j & 15, k = q8_group_blocks(nb, g);
            const uint8_t *gb = w + (int64_t) g * 544 * n;
            const uint8_t *u = gb + 32 * n * i + 32 * h;
            const int8_t *q = (const int8_t *) (xt + 64 * (int64_t) j);
            const float d = half_to_float(load_u16(gb + 32 * n * k + 2 * (n * i + h))) * ((const float *) (xt + 64 * (int64_t) nb))[j];
            for (int l = 0; l < 8; l++) {
                int s = 0;
                for (int b = 4 * l; b < 4 * l + 4; b++) s += (int8_t) (u[b] ^ 0x80) * q[b];
                a[l] = fmaf(d, (float) s, a[l]);
            }
        }
        out[t * ostride] = ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
    }
}

/* ---------------------------------------------------------------------------------------------------
 * Dispatch. Inputs in groups of at most 8 (AVX-512) or 4, as even as possible; rows in blocks of
 * Q8_ROW_PAIRS pairs, the outer loop, so that a block's weights stay in L2 while every group passes over
 * them. Inputs are read from L1 only while a tile's fit beside its weights (a row of 11008 columns holds
 * 23 KB of each input): longer rows run in column chunks, their accumulators parked between chunks, a
 * chunk prefetching the same columns of the next tile, which it reads next.
 */

static int q8_max_inputs(int level) {
    return level == LEVEL_AVX512_VNNI ? Q8_MAXT : 4;
}

/* Row h (0 or 1) of the pair of n rows at w, over inputs [0, batch). */
static void q8_single(int level, const uint8_t *w, int n, int h, int nb, const uint8_t *x, int64_t xstride,
                      int batch, float *out, int64_t ostride) {
    const int maxt = q8_max_inputs(level);
    const int groups = (batch + maxt - 1) / maxt;
    for (int g = 0, t0 = 0; g < groups; g++) {
        const int t1 = (int) ((int64_t) batch * (g + 1) / groups);
        const uint8_t *xt = x + t0 * xstride;
        float *ot = out + (int64_t) t0 * ostride;
        if (level == LEVEL_AVX512_VNNI) q8_rows_any_vl(1, t1 - t0, w, n, h, nb, 0, nb, xt, xstride, 0, 1, ot, ostride, Q8_PREFETCH);
        else if (level == LEVEL_AVX_VNNI) q8_rows_any_vnni(1, t1 - t0, w, n, h, nb, 0, nb, xt, xstride, 0, 1, ot, ostride, Q8_PREFETCH);
        else if (level == LEVEL_AVX2) q8_rows_any_avx2(1, t1 - t0, w, n, h, nb, 0, nb, xt, xstride, 0, 1, ot, ostride, Q8_PREFETCH);
        else q8_row_scalar(w, n, h, nb, xt, xstride, t1 - t0, ot, ostride);
        t0 = t1;
    }
}

/* Full pairs [pa, pb) at a SIMD level. */
static void q8_pairs(int level, const uint8_t *w, int64_t rb, int pa, int pb, int nb, const uint8_t *x,
                     int64_t xstride, int batch, float *out, int64_t ostride) {
    const int maxt = q8_max_inputs(level);
    const int groups = (batch + maxt - 1) / maxt;
    const int spans = (nb + Q8_SPAN - 1) / Q8_SPAN;
    float accmem[Q8_ROW_PAIRS * Q8_MAXT * 16] __attribute__((aligned(64)));
    for (int ps = pa; ps < pb; ps += Q8_ROW_PAIRS) {
        const int pe = pb - ps < Q8_ROW_PAIRS ? pb : ps + Q8_ROW_PAIRS;
        for (int g = 0, t0 = 0; g < groups; g++) {
            const int t1 = (int) ((int64_t) batch * (g + 1) / groups);
            const int T = t1 - t0;
            /* one input: one pair a tile, one stream of weights per thread (7B shapes from DRAM, 2 threads, in the
               throwaway harness: 2-17% less time than two pairs while memory streamed ~60 GB/s, the same at ~25) */
            const int P = level == LEVEL_AVX512_VNNI && T > 1 ? 2 : 1;
            const uint8_t *xt = x + t0 * xstride;
            float *ot = out + (int64_t) t0 * ostride;
            const int chunk = l1_chunk(spans, Q8_SPAN_INPUT, T, Q8_L1_INPUT_BYTES);
            for (int c0 = 0; c0 < spans; c0 += chunk) {
                const int c1 = spans - c0 < chunk ? spans : c0 + chunk;
                const int j0 = Q8_SPAN * c0, j1 = c1 == spans ? nb : Q8_SPAN * c1;
                const int first = c0 == 0, last = c1 == spans;
                const int64_t ahead = chunk >= spans ? Q8_PREFETCH : 2 * rb * P;
                for (int p = ps; p < pe; p += P) {
                    const int pp = pe - p < P ? pe - p : P;
                    const uint8_t *wp = w + 2 * (int64_t) p * rb;
                    float *am = accmem + (p - ps) * Q8_MAXT * 16;
                    float *op = last ? ot + 2 * p : 0;
                    if (level == LEVEL_AVX512_VNNI) q8_tile512_any(pp, T, wp, 2 * rb, nb, j0, j1, xt, xstride, am, first, op, ostride, ahead);
                    else if (level == LEVEL_AVX_VNNI) q8_rows_any_vnni(2, T, wp, 2, 0, nb, j0, j1, xt, xstride, am, first, op, ostride, ahead);
                    else q8_rows_any_avx2(2, T, wp, 2, 0, nb, j0, j1, xt, xstride, am, first, op, ostride, ahead);
                }
            }
            t0 = t1;
        }
    }
}

/* Rows [r0, r1) of a matrix of rows rows, repacked, and batch inputs. */
void specula_q8_0_matmul_rows(int32_t level, const uint8_t *w, int64_t rb, int32_t r0, int32_t r1, int32_t rows,
                              int32_t nb, const uint8_t *x, int64_t xstride, int32_t batch, float *out,
                              int32_t ostride) {
    int r = r0;
    if (r < r1 && (r & 1)) { /* the second row of a pair */
        q8_single(level, w + (int64_t) (r - 1) * rb, 2, 1, nb, x, xstride, batch, out + r, ostride);
        r++;
    }
    const int re = r + ((r1 - r) & ~1);
    if (level == LEVEL_SCALAR) {
        for (int q = r; q < re; q++) q8_single(level, w + (int64_t) (q & ~1) * rb, 2, q & 1, nb, x, xstride, batch, out + q, ostride);
    } else if (re > r) {
        q8_pairs(level, w, rb, r / 2, re / 2, nb, x, xstride, batch, out, ostride);
    }
    if (re < r1) { /* the first row of a pair, or the last row of an odd count, alone */
        q8_single(level, w + (int64_t) re * rb, re + 1 < rows ? 2 : 1, 0, nb, x, xstride, batch, out + re, ostride);
    }
}

/* Pairs [p0, p1) of src (rows rows of rb bytes, nb blocks) into dst in the repacked layout; run once per matrix. */
void specula_q8_0_repack(const uint8_t *src, uint8_t *dst, int64_t rb, int32_t p0, int32_t p1, int32_t rows,
                         int32_t nb) {
    for (int64_t p = p0; p < p1; p++) {
        const int n = 2 * p + 1 < rows ? 2 : 1;
        for (int g = 0; 16 * g < nb; g++) {
            const int k = q8_group_blocks(nb, g);
            uint8_t *gb = dst + 2 * p * rb + (int64_t) g * 544 * n;
            for (int i = 0; i < k; i++) {
                for (int h = 0; h < n; h++) {
                    const uint8_t *blk = src + (2 * p + h) * rb + (int64_t) (16 * g + i) * 34;
                    for (int b = 0; b < 32; b++) gb[32 * n * i + 32 * h + b] = (uint8_t) (blk[2 + b] ^ 0x80);
                    memcpy(gb + 32 * n * k + 2 * (n * i + h), blk, 2);
                }
            }
        }
    }
}
