/*
 * Specula's native kernels for Q4_K weights, in llama.cpp's order: products of Q4_K rows with inputs rounded to
 * Q8_K (quantize_row_q8_K_ref: per 256 values a float dx and 256 bytes q in -127..127, laid out by
 * dev.specula.tensor.ffi.Q8KActivations), bit for bit what dev.specula.tensor.format.Q4_K.llamaDot computes after
 * llama.cpp's repacked q4_K_8x8 kernels. Linked into the same library as specula_kernels.c; what the files share
 * is in specula_common.h.
 *
 * Per row and input, per super-block with the row's halves d, dmin and 6-bit sc_j, m_j (j < 8), and the input's dx:
 *     I_j = sc_j * (sum over sub-block j of q4 * q),  M_j = m_j * (sum of q over sub-block j)   (exact integers)
 *     one input (gemv):  acc = fma((float) sum_j I_j, d*dx, acc),  accm = fma(sum_j M_j, dmin*dx, accm)
 *     batched (gemm):    for p < 4, in turn: acc = fma((float) (I_2p + I_2p+1), d*dx, acc), accm likewise
 * and the result acc - accm; d*dx and dmin*dx are rounded float products. The integer sums are exact in any
 * order; every float lane is one row, so no step depends on the vector width and every level gives the same bits.
 *
 * Weights (specula_q4k_repack, once per matrix): groups of 16 rows, the rows past the matrix all zero; per group
 * and super-block 2304 bytes (16 x 144), a 64-byte vector's dword r holding row r:
 *   [0, 32)      d of rows 0..15 (halves)            [32, 64)  their dmin
 *   [64, 256)    three vectors: dword r = bytes 0..3, 4..7 and 8..11 of row r's 12 bytes of scales and mins
 *   [256, 2304)  32 vectors, vector 8p + k (p < 4, k < 8): dword r = bytes 4k..4k+3 of row r's quant group p,
 *                whose low nibbles are values 4k.. of sub-block 2p and high nibbles those of sub-block 2p + 1
 * Inputs: input t starts at x + t * xstride, then per super-block 288 bytes: [0, 256) q (signed bytes),
 * [256, 272) per p < 4 the sums of q over sub-blocks 2p and 2p + 1 (two int16), [272, 276) dx (float), zeros.
 * Output: out[t * ostride + r] for rows r in [r0, r1).
 */
#include "specula_common.h"

#define KQ_SB 144
#define KQ_ROWS 16
#define KQ_GSB (KQ_ROWS * KQ_SB)
#define KQ_XSB 288
#define KQ_QUANTS 256
#define KQ_BSUMS 256
#define KQ_DX 272
/* inputs per tile: AVX-512 and the 256-bit levels */
#define KQ_MAXT 8
#define KQ_MAXT2 4
/* Non-temporal prefetches of the weights, each read once: 3-5% faster than T0 in a single-thread stream of
   4096x4096 (T1 and T2: 25% slower at batch 1). */
#ifndef KQ_HINT
#define KQ_HINT _MM_HINT_NTA
#endif
/* Bytes ahead along a group's weights that are prefetched into L1, and further ahead into L2 (the second
   prefetch took batch 5 of 4096x4096 from 1.00 to 0.85 ms in a single-thread stream). */
#ifndef KQ_PREFETCH
#define KQ_PREFETCH 2048
#endif
#ifndef KQ_FAR
#define KQ_FAR 8192
#endif

/* The best level this CPU has Q4_K code for: AVX-512 VNNI, AVX-VNNI or AVX2; none below (LEVEL_SCALAR). */
int specula_kq_level(void) {
    return best_level();
}

static inline int32_t kq_i32(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline float kq_f32(const uint8_t *p) {
    float v;
    memcpy(&v, p, 4);
    return v;
}

/* pshufb controls, the same in every dword: byte j zero-extended to 32 bits, bytes j and j + 1 each zero-extended
   to 16 bits, byte j in both 16-bit halves (0x80 selects zero; adding 4 per dword keeps that bit set). */
#define KQ_BYTE(j) (0x80808000u | (uint32_t) (j))
#define KQ_PAIR(j) (0x80008000u | (uint32_t) (j) | (uint32_t) ((j) + 1) << 16)
#define KQ_DUP(j) (0x80008000u | (uint32_t) (j) | (uint32_t) (j) << 16)
#define KQ_DW(c, i) ((int) ((c) + 0x04040404u * (i)))
#define KQ_CTL256(c) _mm256_setr_epi32(KQ_DW(c, 0), KQ_DW(c, 1), KQ_DW(c, 2), KQ_DW(c, 3), \
                                       KQ_DW(c, 0), KQ_DW(c, 1), KQ_DW(c, 2), KQ_DW(c, 3))

/* ---------------------------------------------------------------------------------------------------
 * AVX-512 VNNI: a group's 16 rows in the lanes of one register.
 */
#define KQ_CTL512(c) _mm512_setr_epi32(KQ_DW(c, 0), KQ_DW(c, 1), KQ_DW(c, 2), KQ_DW(c, 3), \
                                       KQ_DW(c, 0), KQ_DW(c, 1), KQ_DW(c, 2), KQ_DW(c, 3), \
                                       KQ_DW(c, 0), KQ_DW(c, 1), KQ_DW(c, 2), KQ_DW(c, 3), \
                                       KQ_DW(c, 0), KQ_DW(c, 1), KQ_DW(c, 2), KQ_DW(c, 3))

/* One group x T inputs over super-blocks [0, n) (w and x at the first), inputs t < tg in the batched order.
   The accumulators start from zero when first, else from acc_mem (32 floats per input: acc, then accm), and
   are parked there again unless out is given, which gets lanes [lo, hi) of each input's result. Parking them
   changes no bit, and the operations on one input do not depend on T or on the other inputs. */
T512 INLINE void kq_tile512(const int T, const int tg, const uint8_t *w, const int n, const uint8_t *x,
                            const int64_t xstride, float *acc_mem, const int first, float *out,
                            const int64_t ostride, const int lo, const int hi, const int64_t ahead,
                            const int64_t far) {
    __m512 acc[KQ_MAXT], accm[KQ_MAXT];
    UNROLL
    for (int t = 0; t < T; t++) {
        acc[t] = first ? _mm512_setzero_ps() : _mm512_load_ps(acc_mem + 32 * t);
        accm[t] = first ? _mm512_setzero_ps() : _mm512_load_ps(acc_mem + 32 * t + 16);
    }
    const __m512i m4 = _mm512_set1_epi8(0x0F), m6 = _mm512_set1_epi8(0x3F), top = _mm512_set1_epi8(0x30);
    for (int s = 0; s < n; s++) {
        const uint8_t *b = w + (int64_t) s * KQ_GSB;
        const uint8_t *xs = x + (int64_t) s * KQ_XSB;
        const __m512 dw = _mm512_cvtph_ps(_mm256_load_si256((const __m256i *) b));
        const __m512 dmw = _mm512_cvtph_ps(_mm256_load_si256((const __m256i *) (b + 32)));
        const __m512i sa = _mm512_load_si512(b + 64), sb = _mm512_load_si512(b + 128), sc = _mm512_load_si512(b + 192);
        /* bytes 0..3 of each dword: sc_0..3 and m_0..3 (low 6 bits), sc_4..7 and m_4..7 (nibbles of the third
           word, their top bits from the top of the first two); 0xEA: (A & B) | C */
        const __m512i slo = _mm512_and_si512(sa, m6), mlo = _mm512_and_si512(sb, m6);
        const __m512i shi = _mm512_ternarylogic_epi32(sc, m4, _mm512_and_si512(_mm512_srli_epi32(sa, 2), top), 0xEA);
        const __m512i mhi = _mm512_ternarylogic_epi32(_mm512_srli_epi32(sc, 4), m4,
                                                      _mm512_and_si512(_mm512_srli_epi32(sb, 2), top), 0xEA);
        /* per p: sc_2p, sc_2p+1 (int32), m_2p | m_2p+1 << 16 */
        __m512i scales[4][3];
        UNROLL
        for (int p = 0; p < 4; p++) {
            scales[p][0] = _mm512_shuffle_epi8(p < 2 ? slo : shi, KQ_CTL512(KQ_BYTE(2 * (p % 2))));
            scales[p][1] = _mm512_shuffle_epi8(p < 2 ? slo : shi, KQ_CTL512(KQ_BYTE(2 * (p % 2) + 1)));
            scales[p][2] = _mm512_shuffle_epi8(p < 2 ? mlo : mhi, KQ_CTL512(KQ_PAIR(2 * (p % 2))));
        }
        /* the minimum terms first: they need no quants */
        UNROLL
        for (int t = 0; t < T; t++) {
            const uint8_t *xt = xs + t * xstride;
            const __m512 dm = _mm512_mul_ps(dmw, _mm512_set1_ps(kq_f32(xt + KQ_DX)));
            __m512i m2[4];
            UNROLL
            for (int p = 0; p < 4; p++) m2[p] = _mm512_madd_epi16(scales[p][2], _mm512_set1_epi32(kq_i32(xt + KQ_BSUMS + 4 * p)));
            if (t < tg) {
                UNROLL
                for (int p = 0; p < 4; p++) accm[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(m2[p]), dm, accm[t]);
            } else {
                const __m512i sum = _mm512_add_epi32(_mm512_add_epi32(m2[0], m2[1]), _mm512_add_epi32(m2[2], m2[3]));
                accm[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum), dm, accm[t]);
            }
        }
        __m512i tot[KQ_MAXT];
        UNROLL
        for (int t = 0; t < T; t++) tot[t] = _mm512_setzero_si512();
        /* one pair of sub-blocks at a time, its 16 vectors of quants unpacked once for the tile */
        _Pragma("GCC unroll 1")
        for (int p = 0; p < 4; p++) {
            __m512i ql[8], qh[8];
            UNROLL
            for (int k = 0; k < 8; k++) {
                const uint8_t *wk = b + KQ_QUANTS + 64 * (8 * p + k);
                /* the hardware prefetcher alone falls behind once a group takes longer than a few inputs */
                _mm_prefetch((const char *) (wk + ahead), KQ_HINT);
                _mm_prefetch((const char *) (wk + far), _MM_HINT_T1);
                const __m512i q = _mm512_load_si512(wk);
                ql[k] = _mm512_and_si512(q, m4);
                qh[k] = _mm512_and_si512(_mm512_srli_epi16(q, 4), m4);
            }
            const __m512i sc0 = scales[p][0], sc1 = scales[p][1];
            UNROLL
            for (int t = 0; t < T; t++) {
                const uint8_t *xq = xs + t * xstride + 64 * p;
                __m512i dl = _mm512_dpbusd_epi32(_mm512_setzero_si512(), ql[0], _mm512_set1_epi32(kq_i32(xq)));
                __m512i dh = _mm512_dpbusd_epi32(_mm512_setzero_si512(), qh[0], _mm512_set1_epi32(kq_i32(xq + 32)));
                UNROLL
                for (int k = 1; k < 8; k++) {
                    dl = _mm512_dpbusd_epi32(dl, ql[k], _mm512_set1_epi32(kq_i32(xq + 4 * k)));
                    dh = _mm512_dpbusd_epi32(dh, qh[k], _mm512_set1_epi32(kq_i32(xq + 32 + 4 * k)));
                }
                const __m512i i2 = _mm512_add_epi32(_mm512_mullo_epi32(dl, sc0), _mm512_mullo_epi32(dh, sc1));
                if (t < tg) {
                    const __m512 d = _mm512_mul_ps(dw, _mm512_set1_ps(kq_f32(xs + t * xstride + KQ_DX)));
                    acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(i2), d, acc[t]);
                } else {
                    tot[t] = _mm512_add_epi32(tot[t], i2);
                }
            }
        }
        UNROLL
        for (int t = 0; t < T; t++) {
            if (t >= tg) {
                const __m512 d = _mm512_mul_ps(dw, _mm512_set1_ps(kq_f32(xs + t * xstride + KQ_DX)));
                acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(tot[t]), d, acc[t]);
            }
        }
    }
    if (out) {
        const __mmask16 lanes = (__mmask16) (((1u << hi) - 1) & ~((1u << lo) - 1));
        UNROLL
        for (int t = 0; t < T; t++) _mm512_mask_storeu_ps(out + t * ostride, lanes, _mm512_sub_ps(acc[t], accm[t]));
    } else {
        UNROLL
        for (int t = 0; t < T; t++) {
            _mm512_store_ps(acc_mem + 32 * t, acc[t]);
            _mm512_store_ps(acc_mem + 32 * t + 16, accm[t]);
        }
    }
}

#define KQ_CALL(F, TT) F(TT, tg, w, n, x, xstride, acc_mem, first, out, ostride, lo, hi, ahead, far)
#define KQ_SWITCH8(F) \
    switch (T) { \
        case 1: KQ_CALL(F, 1); break; case 2: KQ_CALL(F, 2); break; case 3: KQ_CALL(F, 3); break; \
        case 4: KQ_CALL(F, 4); break; case 5: KQ_CALL(F, 5); break; case 6: KQ_CALL(F, 6); break; \
        case 7: KQ_CALL(F, 7); break; case 8: KQ_CALL(F, 8); break; \
    }

T512 static void kq_tile512_any(int T, int tg, const uint8_t *w, int n, const uint8_t *x, int64_t xstride,
                                float *acc_mem, int first, float *out, int64_t ostride, int lo, int hi,
                                int64_t ahead, int64_t far) {
    KQ_SWITCH8(kq_tile512)
}

#define VNNI 0
#include "specula_kq_avx2.inc"
#undef VNNI
#define VNNI 1
#include "specula_kq_avx2.inc"
#undef VNNI

/* The tile kernel of a level. */
static void kq_tile_at(int level, int T, int tg, const uint8_t *w, int n, const uint8_t *x, int64_t xstride,
                       float *acc_mem, int first, float *out, int64_t ostride, int lo, int hi, int64_t ahead,
                       int64_t far) {
    if (level == LEVEL_AVX512_VNNI) kq_tile512_any(T, tg, w, n, x, xstride, acc_mem, first, out, ostride, lo, hi, ahead, far);
    else if (level == LEVEL_AVX_VNNI) kq_tile_any_vnni(T, tg, w, n, x, xstride, acc_mem, first, out, ostride, lo, hi, ahead, far);
    else kq_tile_any_avx2(T, tg, w, n, x, xstride, acc_mem, first, out, ostride, lo, hi, ahead, far);
}

/* Inputs are read from L1 only while those of a tile fit beside the weights (a row of 11008 columns holds 12 KB
   of each input): longer rows run in column chunks over a block of groups, their accumulators parked in memory
   between chunks, and a chunk prefetches the same columns of the next group, which it reads next. */
#ifndef KQ_L1_INPUT_BYTES
#define KQ_L1_INPUT_BYTES 32768
#endif
#define KQ_BLOCK_GROUPS 4

/* ---------------------------------------------------------------------------------------------------
 * Dispatch: per block of groups, the batch in tiles of at most KQ_MAXT (KQ_MAXT2) inputs, as even as possible,
 * the first gemm_inputs inputs in the batched order. Tiles after the first re-read the block's weights from L2.
 */
void specula_q4k_matmul_rows(int32_t level, const uint8_t *w, int32_t r0, int32_t r1, int32_t nsb,
                             const uint8_t *x, int64_t xstride, int32_t batch, int32_t gemm_inputs, float *out,
                             int32_t ostride) {
    if (level < LEVEL_AVX2 || r0 >= r1) return; /* never asked: Java runs Q4_K below AVX2 */
    const int maxt = level == LEVEL_AVX512_VNNI ? KQ_MAXT : KQ_MAXT2;
    const int tiles = (batch + maxt - 1) / maxt;
    const int64_t gb = (int64_t) nsb * KQ_GSB;
    float acc_mem[KQ_BLOCK_GROUPS * KQ_MAXT * 32] __attribute__((aligned(64)));
    for (int g0 = r0 / KQ_ROWS; g0 * KQ_ROWS < r1; g0 += KQ_BLOCK_GROUPS) {
        const int g1 = (r1 + KQ_ROWS - 1) / KQ_ROWS - g0 < KQ_BLOCK_GROUPS ? (r1 + KQ_ROWS - 1) / KQ_ROWS
                                                                           : g0 + KQ_BLOCK_GROUPS;
        for (int i = 0, t0 = 0; i < tiles; i++) {
            const int t1 = (int) ((int64_t) batch * (i + 1) / tiles);
            const int T = t1 - t0;
            const int tg = gemm_inputs <= t0 ? 0 : gemm_inputs >= t1 ? T : gemm_inputs - t0;
            const uint8_t *xt = x + t0 * xstride;
            const int chunk = l1_chunk(nsb, KQ_XSB, T, KQ_L1_INPUT_BYTES);
            for (int c0 = 0; c0 < nsb; c0 += chunk) {
                const int n = nsb - c0 < chunk ? nsb - c0 : chunk;
                const int whole = n == nsb;
                for (int g = g0; g < g1; g++) {
                    const int lo = r0 > g * KQ_ROWS ? r0 - g * KQ_ROWS : 0;
                    const int hi = r1 < (g + 1) * KQ_ROWS ? r1 - g * KQ_ROWS : KQ_ROWS;
                    float *o = c0 + n == nsb ? out + (int64_t) t0 * ostride + g * KQ_ROWS : 0;
                    kq_tile_at(level, T, tg, w + g * gb + (int64_t) c0 * KQ_GSB, n, xt + (int64_t) c0 * KQ_XSB,
                               xstride, acc_mem + (g - g0) * KQ_MAXT * 32, c0 == 0, o, ostride, lo, hi,
                               whole ? KQ_PREFETCH : gb, whole ? KQ_FAR : 2 * gb);
                }
            }
            t0 = t1;
        }
    }
}

/* ---------------------------------------------------------------------------------------------------
 * Repacking, in the layout at the top: groups [g0, g1) of a matrix of `rows` rows (rb bytes, nsb super-blocks
 * each) from src into dst.
 */
void specula_q4k_repack(const uint8_t *src, uint8_t *dst, int64_t rb, int32_t rows, int32_t g0, int32_t g1,
                        int32_t nsb) {
    static const uint8_t zero[KQ_SB];
    for (int64_t g = g0; g < g1; g++) {
        for (int s = 0; s < nsb; s++) {
            uint8_t *d = dst + (g * nsb + s) * KQ_GSB;
            for (int r = 0; r < KQ_ROWS; r++) {
                const int64_t row = g * KQ_ROWS + r;
                const uint8_t *blk = row < rows ? src + row * rb + (int64_t) s * KQ_SB : zero;
                memcpy(d + 2 * r, blk, 2);
                memcpy(d + 32 + 2 * r, blk + 2, 2);
                for (int i = 0; i < 3; i++) memcpy(d + 64 + 64 * i + 4 * r, blk + 4 + 4 * i, 4);
                for (int v = 0; v < 32; v++) memcpy(d + KQ_QUANTS + 64 * v + 4 * r, blk + 16 + 4 * v, 4);
            }
        }
    }
}
