/*
 * Specula's optional native kernels: products of Q4_0 / Q8_0 weight rows with a batch of inputs that
 * were rounded to Q8_0 blocks (dev.specula.tensor.Q8Activations lays them out). The pure-Java kernels
 * compute the same sums and are the default; this library only has to be faster, which it is because
 * C can reach the int8 dot-product instruction (vpdpbusd) that the Vector API does not expose.
 *
 * Built by the Maven build with the system C compiler when there is one (see specula-core/pom.xml),
 * without -march: each level below carries its own target attribute and specula_cpu_level picks one
 * at run time.
 *
 * Inputs: input t starts at x + t * xstride. Its first 16 * (nb / 16) blocks come in groups of 16,
 * 640 bytes a group, laid out for the AVX-512 kernel, which gives each block its own int32 lane:
 *   [64k, 64k + 64) for k < 8: lane l holds bytes 4k..4k+3 of block P(l), P(l) = 4 * (l % 4) + l / 4
 *                   (the order that a 4x4 transpose of 32-bit words leaves the weights in)
 *   [512, 576)      lane l: the scale d of block P(l), as a float
 *   [576, 640)      lane l: -8c * sum(q) of block P(l), as an int32 (c below)
 * The remaining blocks come in pairs, 192 bytes a pair:
 *   [ 0, 64)  the 32 signed bytes of block 2p, then those of block 2p + 1
 *   [64,128)  their scales d, each repeated 8 times as floats (one per int32 lane of a 256-bit half)
 *   [128,192) -c * sum(q) of each, repeated 8 times as int32
 * c = 16 for Q8_0 weights and 1 for Q4_0 weights: the correction for the kernels' unsigned weights.
 * Interleaving bytes, scales and corrections, and the stride's extra 64 bytes, keep the inputs' streams
 * off a single L1 set: with three arrays at 4 KiB strides, five inputs already needed 15 ways of a
 * 12-way cache and ran 3.5x slower. Groups are laid out only for products with repacked weights (packed,
 * at every SIMD level, at least 16 blocks a row); every other product reads every block from pairs (ngroups = 0).
 * Weights: rows of ggml blocks, rb bytes apart, or with packed as specula_repack leaves them.
 * Output: out[t*ostride + r] for rows r in [r0, r1).
 */
#include "specula_common.h"

enum { TYPE_Q4_0 = 2, TYPE_Q8_0 = 8 };

#define PAIR 192
#define XQ(x, j) ((const int8_t *) ((x) + ((j) >> 1) * PAIR + ((j) & 1) * 32))
#define XD(x, j) ((const float *) ((x) + ((j) >> 1) * PAIR + 64 + ((j) & 1) * 32))
#define XS(x, j) ((const int32_t *) ((x) + ((j) >> 1) * PAIR + 128 + ((j) & 1) * 32))
#define MAXR 4
#define MAXT 8
/* inputs per group at the AVX2 levels */
#define MAXT2 4

int specula_cpu_level(void) {
    return best_level();
}

/* ---------------------------------------------------------------------------------------------------
 * AVX-512 VNNI: two blocks per 512-bit register. The weights become unsigned bytes (Q4_0: the nibbles,
 * Q8_0: q + 128), vpdpbusd adds their products with the signed input bytes into 16 int32 lanes, 8 per
 * block, starting from the input's bias, which takes the 8 or 128 back out. Then, per block, the lanes
 * are scaled by d_weight * d_input and summed in float.
 */

T512 INLINE __m512 scales512(const uint8_t *a, const uint8_t *b) {
    __m128 f = _mm_cvtph_ps(_mm_cvtsi32_si128((int) (load_u16(a) | (uint32_t) load_u16(b) << 16)));
    return _mm512_permutexvar_ps(_mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
                                 _mm512_castps128_ps512(f));
}

/* Nibbles of blocks a and b as [a low, a high, b low, b high], 16 bytes each. */
T512 INLINE __m512i q4_bytes512(const uint8_t *qa, const uint8_t *qb) {
    __m256i ab = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *) qa)),
                                         _mm_loadu_si128((const __m128i *) qb), 1);
    __m512i p = _mm512_permutexvar_epi64(_mm512_set_epi64(3, 2, 3, 2, 1, 0, 1, 0), _mm512_castsi256_si512(ab));
    p = _mm512_mask_blend_epi64(0xCC, p, _mm512_srli_epi16(p, 4));
    return _mm512_and_si512(p, _mm512_set1_epi8(0x0F));
}

T512 INLINE __m512i q8_bytes512(const uint8_t *qa, const uint8_t *qb) {
    __m512i p = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *) qa)),
                                   _mm256_loadu_si256((const __m256i *) qb), 1);
    return _mm512_xor_si512(p, _mm512_set1_epi8((char) 0x80));
}

T512 INLINE __m256i q4_bytes256(const uint8_t *q) {
    __m128i v = _mm_loadu_si128((const __m128i *) q);
    __m256i p = _mm256_inserti128_si256(_mm256_castsi128_si256(v), _mm_srli_epi16(v, 4), 1);
    return _mm256_and_si256(p, _mm256_set1_epi8(0x0F));
}

/* R weight rows x T inputs; every loaded weight register feeds T inputs, every input register R rows. */
T512 INLINE void tile512(const int q4, const int R, const int T, const uint8_t *w, int64_t rb, int nb,
                         const uint8_t *x, int64_t xstride, float *out, int64_t ostride, int accumulate) {
    const int bs = q4 ? 18 : 34;
    __m512 acc[MAXR][MAXT];
    UNROLL
    for (int r = 0; r < R; r++)
        UNROLL
        for (int t = 0; t < T; t++) acc[r][t] = _mm512_setzero_ps();
    int j = 0;
    for (; j + 2 <= nb; j += 2) {
        __m512i u[MAXR];
        __m512 dw[MAXR];
        UNROLL
        for (int r = 0; r < R; r++) {
            const uint8_t *b = w + r * rb + (int64_t) j * bs;
            u[r] = q4 ? q4_bytes512(b + 2, b + bs + 2) : q8_bytes512(b + 2, b + bs + 2);
            dw[r] = scales512(b, b + bs);
        }
        UNROLL
        for (int t = 0; t < T; t++) {
            const uint8_t *xt = x + t * xstride;
            const __m512i xv = _mm512_loadu_si512(XQ(xt, j));
            const __m512i bias = _mm512_loadu_si512(XS(xt, j));
            const __m512 dx = _mm512_loadu_ps(XD(xt, j));
            UNROLL
            for (int r = 0; r < R; r++) {
                __m512i s = _mm512_dpbusd_epi32(bias, u[r], xv);
                acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_mul_ps(dw[r], dx), acc[r][t]);
            }
        }
    }
    if (j < nb) { /* an odd last block, in 256 bits */
        __m256i u[MAXR];
        __m256 dw[MAXR];
        UNROLL
        for (int r = 0; r < R; r++) {
            const uint8_t *b = w + r * rb + (int64_t) j * bs;
            u[r] = q4 ? q4_bytes256(b + 2)
                      : _mm256_xor_si256(_mm256_loadu_si256((const __m256i *) (b + 2)), _mm256_set1_epi8((char) 0x80));
            dw[r] = _mm256_set1_ps(_cvtsh_ss(load_u16(b)));
        }
        UNROLL
        for (int t = 0; t < T; t++) {
            const uint8_t *xt = x + t * xstride;
            const __m256i xv = _mm256_loadu_si256((const __m256i *) XQ(xt, j));
            const __m256i bias = _mm256_loadu_si256((const __m256i *) XS(xt, j));
            const __m256 dx = _mm256_loadu_ps(XD(xt, j));
            UNROLL
            for (int r = 0; r < R; r++) {
                __m256 p = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_dpbusd_epi32(bias, u[r], xv)), _mm256_mul_ps(dw[r], dx));
                acc[r][t] = _mm512_add_ps(acc[r][t], _mm512_zextps256_ps512(p));
            }
        }
    }
    UNROLL
    for (int r = 0; r < R; r++)
        UNROLL
        for (int t = 0; t < T; t++) {
            const float v = _mm512_reduce_add_ps(acc[r][t]);
            out[t * ostride + r] = accumulate ? out[t * ostride + r] + v : v;
        }
}

/* ---------------------------------------------------------------------------------------------------
 * AVX-512 VNNI over groups of 16 blocks, one block per int32 lane: eight vpdpbusd cover the 16 blocks,
 * and a single conversion, scale and float add follow them, where the pair kernel needs those three per
 * two blocks. The weights are transposed into that order once, when a matrix is first used natively
 * (specula_repack); transposing them per product (4x4 transposes of 32-bit words and 16 scale inserts
 * per row and group) cost 2.3x at one input (L2-resident, single thread).
 */

#define GROUP 640
/* Bytes ahead of the group being read that are prefetched. */
#ifndef PREFETCH
#define PREFETCH 4096
#endif

/* The repacked layout keeps a row's size: a group is 16 * bs bytes either way, and the blocks after the
 * last group stay as they were.
 *   Q4_0, 288 bytes: [64k, 64k + 64) for k < 4: lane l holds the nibble bytes 4k..4k+3 of block P(l);
 *                    [256, 288): the 16 half scales, lane order.
 *   Q8_0, 544 bytes: [64k, 64k + 64) for k < 8: lane l holds bytes 4k..4k+3 of block P(l), plus 128
 *                    (as unsigned bytes); [512, 544): the 16 half scales, lane order.
 */

T512 INLINE void packed_bytes(const int q4, const uint8_t *b, __m512i u[8]) {
    if (q4) {
        const __m512i m = _mm512_set1_epi8(0x0F);
        for (int k = 0; k < 4; k++) {
            const __m512i o = _mm512_loadu_si512(b + 64 * k);
            u[k] = _mm512_and_si512(o, m);
            u[k + 4] = _mm512_and_si512(_mm512_srli_epi32(o, 4), m);
        }
    } else {
        for (int k = 0; k < 8; k++) u[k] = _mm512_loadu_si512(b + 64 * k);
    }
}

/* One row x T inputs over ng repacked groups, on accumulators kept in acc[16 * T] between calls (fresh
   when first): a long row can run in column chunks, each over inputs that fit in L1, with the same
   operations in the same order as in one pass. With out, the sums are reduced and stored. */
T512 INLINE void tile512p(const int q4, const int T, const uint8_t *w, int ng, const uint8_t *x, int64_t xstride,
                          float *accmem, int first, float *out, int64_t ostride, int64_t ahead) {
    const int bs = q4 ? 18 : 34;
    const int qbytes = q4 ? 256 : 512;
    __m512 acc[MAXT];
    UNROLL
    for (int t = 0; t < T; t++) acc[t] = first ? _mm512_setzero_ps() : _mm512_loadu_ps(accmem + 16 * t);
    for (int g = 0; g < ng; g++) {
        const uint8_t *b = w + (int64_t) g * 16 * bs;
        /* Near lines into L1, and four times as far into L2, so that DRAM keeps streaming while a batch
           of inputs computes (single thread, 7B layers: 5.4 -> 6.7 tok/s at batch 1, 13.0 -> 16.5 at 5). */
        for (int l = 0; l < 16 * bs; l += 64) {
            _mm_prefetch((const char *) (b + ahead + l), _MM_HINT_T0);
            _mm_prefetch((const char *) (b + 4 * ahead + l), _MM_HINT_T1);
        }
        __m512i u[8];
        packed_bytes(q4, b, u);
        const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *) (b + qbytes)));
        UNROLL
        for (int t = 0; t < T; t++) {
            const uint8_t *xg = x + t * xstride + (int64_t) g * GROUP;
            __m512i s0 = _mm512_loadu_si512(xg + 576), s1 = _mm512_setzero_si512();
            s0 = _mm512_dpbusd_epi32(s0, u[0], _mm512_loadu_si512(xg));
            s1 = _mm512_dpbusd_epi32(s1, u[1], _mm512_loadu_si512(xg + 64));
            s0 = _mm512_dpbusd_epi32(s0, u[2], _mm512_loadu_si512(xg + 128));
            s1 = _mm512_dpbusd_epi32(s1, u[3], _mm512_loadu_si512(xg + 192));
            s0 = _mm512_dpbusd_epi32(s0, u[4], _mm512_loadu_si512(xg + 256));
            s1 = _mm512_dpbusd_epi32(s1, u[5], _mm512_loadu_si512(xg + 320));
            s0 = _mm512_dpbusd_epi32(s0, u[6], _mm512_loadu_si512(xg + 384));
            s1 = _mm512_dpbusd_epi32(s1, u[7], _mm512_loadu_si512(xg + 448));
            const __m512 sc = _mm512_mul_ps(dw, _mm512_loadu_ps((const float *) (xg + 512)));
            acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(s0, s1)), sc, acc[t]);
        }
    }
    UNROLL
    for (int t = 0; t < T; t++) {
        if (out) out[t * ostride] = _mm512_reduce_add_ps(acc[t]);
        else _mm512_storeu_ps(accmem + 16 * t, acc[t]);
    }
}

#define CALLP(Q4, TT) tile512p(Q4, TT, wr, ng, x, xstride, accmem, first, out, ostride, ahead)
#define TP_CASES(Q4)                                                          \
    switch (T) {                                                              \
        case 1: CALLP(Q4, 1); break; case 2: CALLP(Q4, 2); break;             \
        case 3: CALLP(Q4, 3); break; case 4: CALLP(Q4, 4); break;             \
        case 5: CALLP(Q4, 5); break; case 6: CALLP(Q4, 6); break;             \
        case 7: CALLP(Q4, 7); break; case 8: CALLP(Q4, 8); break;             \
    }

T512 static void tile512p_any(int q4, int T, const uint8_t *wr, int ng, const uint8_t *x, int64_t xstride,
                              float *accmem, int first, float *out, int64_t ostride, int64_t ahead) {
    if (q4) { TP_CASES(1) } else { TP_CASES(0) }
}

/* Rows [r0, r1) of src (rb bytes a row, nb blocks) into dst in the repacked layout; a scalar shuffle,
   run once per matrix. */
void specula_repack(int32_t type, const uint8_t *src, uint8_t *dst, int64_t rb, int32_t r0, int32_t r1, int32_t nb) {
    const int q4 = type == TYPE_Q4_0;
    const int bs = q4 ? 18 : 34;
    const int qb = bs - 2;
    const int ng = nb / 16;
    for (int64_t r = r0; r < r1; r++) {
        const uint8_t *s = src + r * rb;
        uint8_t *d = dst + r * rb;
        for (int g = 0; g < ng; g++, s += 16 * bs, d += 16 * bs) {
            for (int l = 0; l < 16; l++) {
                const uint8_t *blk = s + (4 * (l % 4) + l / 4) * bs; /* block P(l) */
                for (int k = 0; k < qb / 4; k++)
                    for (int i = 0; i < 4; i++) d[64 * k + 4 * l + i] = (uint8_t) (q4 ? blk[2 + 4 * k + i] : blk[2 + 4 * k + i] ^ 0x80);
                memcpy(d + 16 * qb + 2 * l, blk, 2);
            }
        }
        memcpy(d, s, (size_t) (nb - 16 * ng) * bs);
    }
}

/* ---------------------------------------------------------------------------------------------------
 * AVX2 and AVX-VNNI: the two kernels above on 256-bit registers, with the same bits (specula_avx2.inc).
 */
#define VNNI 0
#include "specula_avx2.inc"
#undef VNNI
#define VNNI 1
#include "specula_avx2.inc"
#undef VNNI

/* ---------------------------------------------------------------------------------------------------
 * Scalar: the same sums, for CPUs without AVX2 (and as a readable statement of what the others do).
 */
static void tile_scalar(int q4, int R, int T, const uint8_t *w, int64_t rb, int nb,
                        const uint8_t *x, int64_t xstride, float *out, int64_t ostride) {
    const int bs = q4 ? 18 : 34;
    for (int r = 0; r < R; r++) {
        for (int t = 0; t < T; t++) {
            float sum = 0.0f;
            for (int j = 0; j < nb; j++) {
                const uint8_t *b = w + r * rb + (int64_t) j * bs;
                const int8_t *q = XQ(x + t * xstride, j);
                int isum = 0;
                if (q4) {
                    for (int k = 0; k < 16; k++) isum += ((b[2 + k] & 15) - 8) * q[k] + ((b[2 + k] >> 4) - 8) * q[k + 16];
                } else {
                    for (int k = 0; k < 32; k++) isum += (int8_t) b[2 + k] * q[k];
                }
                sum += (float) isum * (half_to_float(load_u16(b)) * XD(x + t * xstride, j)[0]);
            }
            out[t * ostride + r] = sum;
        }
    }
}

/* ---------------------------------------------------------------------------------------------------
 * Dispatch: rows in tiles of R, inputs in groups of at most MAXT (8 for AVX-512, 4 for AVX2), as even as
 * possible. The row tile is the outer loop, so its weights stay in L1 while every group passes over them.
 */

#define T_CASES(CALL, Q4, R)                                                  \
    switch (T) {                                                              \
        case 1: CALL(Q4, R, 1); break; case 2: CALL(Q4, R, 2); break;         \
        case 3: CALL(Q4, R, 3); break; case 4: CALL(Q4, R, 4); break;         \
        case 5: CALL(Q4, R, 5); break; case 6: CALL(Q4, R, 6); break;         \
        case 7: CALL(Q4, R, 7); break; case 8: CALL(Q4, R, 8); break;         \
    }
#define R_CASES(CALL, Q4)                                                     \
    switch (R) {                                                              \
        case 1: T_CASES(CALL, Q4, 1) break; case 2: T_CASES(CALL, Q4, 2) break; \
        case 3: T_CASES(CALL, Q4, 3) break; case 4: T_CASES(CALL, Q4, 4) break; \
    }

#define CALL512(Q4, RR, TT) tile512(Q4, RR, TT, wr, rb, nb, x + t0 * xstride, xstride, out + (int64_t) t0 * ostride + r, ostride, accumulate)

T512 static void tile512_any(int q4, int R, int T, int r, int64_t t0, const uint8_t *wr, int64_t rb, int nb,
                             const uint8_t *x, int64_t xstride, float *out, int64_t ostride, int accumulate) {
    if (q4) { R_CASES(CALL512, 1) } else { R_CASES(CALL512, 0) }
}

/* Rows per tile for a group of T inputs: as many as keep R*T accumulators and 2R weight registers within 32 (AVX-512) or 16. */
static int rows_for(int level, int t) {
    if (level == LEVEL_AVX512_VNNI) return t <= 4 ? 4 : t <= 6 ? 3 : 2;
    return t <= 1 ? 2 : 1; /* two halves per accumulator, and two blocks' weights per row */
}

/* Inputs are read from L1 only while those of a tile fit beside its weights: a row of 11008 columns
   holds 14 KB of each input, and five inputs from L2 cost 1.4x. Longer rows run in column chunks, a
   block of rows at a time, their accumulators parked in memory between chunks; a chunk prefetches the
   same columns of the next row, which it reads next. */
#define L1_INPUT_BYTES 32768
#define ROW_BLOCK 16

/* The pair kernel of a level (accumulating into out when asked), for the blocks after the groups. */
static void tile_pairs_at(int level, int q4, int R, int T, int r, int64_t t0, const uint8_t *wr, int64_t rb, int nb,
                          const uint8_t *x, int64_t xstride, float *out, int64_t ostride, int accumulate) {
    if (level == LEVEL_AVX512_VNNI) tile512_any(q4, R, T, r, t0, wr, rb, nb, x, xstride, out, ostride, accumulate);
    else if (level == LEVEL_AVX_VNNI) tile_pairs_any_vnni(q4, R, T, r, t0, wr, rb, nb, x, xstride, out, ostride, accumulate);
    else tile_pairs_any_avx2(q4, R, T, r, t0, wr, rb, nb, x, xstride, out, ostride, accumulate);
}

static void tile_groups_at(int level, int q4, int T, const uint8_t *wr, int ng, const uint8_t *x, int64_t xstride,
                           float *accmem, int first, float *out, int64_t ostride, int64_t ahead) {
    if (level == LEVEL_AVX512_VNNI) tile512p_any(q4, T, wr, ng, x, xstride, accmem, first, out, ostride, ahead);
    else if (level == LEVEL_AVX_VNNI) tile_groups_any_vnni(q4, T, wr, ng, x, xstride, accmem, first, out, ostride, ahead);
    else tile_groups_any_avx2(q4, T, wr, ng, x, xstride, accmem, first, out, ostride, ahead);
}

static void matmul_packed(int level, int q4, const uint8_t *w, int64_t rb, int r0, int r1, int nb, int ng,
                               const uint8_t *x, int64_t xstride, int batch, float *out, int64_t ostride) {
    const int bs = q4 ? 18 : 34;
    const int maxt = level == LEVEL_AVX512_VNNI ? MAXT : MAXT2;
    const int groups = (batch + maxt - 1) / maxt;
    const int tail = nb - 16 * ng;
    float accmem[ROW_BLOCK * MAXT * 16] __attribute__((aligned(64)));
    /* Rows outer, input groups inner: a batch of more than one group (5 inputs at AVX2) reads a block's
       weights from memory once and again from L2, not once per group from memory. */
    for (int rs = r0; rs < r1; rs += ROW_BLOCK) {
        const int re = r1 - rs < ROW_BLOCK ? r1 : rs + ROW_BLOCK;
        for (int g = 0, t0 = 0; g < groups; g++) {
            const int t1 = (int) ((int64_t) batch * (g + 1) / groups);
            const int T = t1 - t0;
            const uint8_t *xt0 = x + t0 * xstride;
            const int chunk = l1_chunk(ng, GROUP, T, L1_INPUT_BYTES);
            float part[ROW_BLOCK][MAXT];
            if (ng <= chunk) {
                for (int r = rs; r < re; r++) tile_groups_at(level, q4, T, w + r * rb, ng, xt0, xstride, accmem, 1, part[r - rs], 1, PREFETCH);
            } else {
                for (int c0 = 0; c0 < ng; c0 += chunk) {
                    const int n = ng - c0 < chunk ? ng - c0 : chunk;
                    const int last = c0 + n == ng;
                    for (int r = rs; r < re; r++) {
                        tile_groups_at(level, q4, T, w + r * rb + (int64_t) c0 * 16 * bs, n, xt0 + (int64_t) c0 * GROUP, xstride,
                                     accmem + (r - rs) * MAXT * 16, c0 == 0, last ? part[r - rs] : 0, 1, rb);
                    }
                }
            }
            for (int r = rs; r < re; r++) {
                if (tail) tile_pairs_at(level, q4, 1, T, 0, 0, w + r * rb + (int64_t) ng * 16 * bs, rb, tail,
                                      xt0 + (int64_t) ng * GROUP, xstride, part[r - rs], 1, 1);
                for (int t = 0; t < T; t++) out[(int64_t) (t0 + t) * ostride + r] = part[r - rs][t];
            }
            t0 = t1;
        }
    }
}

void specula_matmul_rows(int32_t level, int32_t type, const uint8_t *w, int64_t rb, int32_t r0, int32_t r1,
                         int32_t nb, int32_t ngroups, const uint8_t *x, int64_t xstride, int32_t batch,
                         float *out, int32_t ostride, int32_t packed) {
    const int q4 = type == TYPE_Q4_0;
    const int maxt = level == LEVEL_AVX512_VNNI ? MAXT : MAXT2;
    const int groups = (batch + maxt - 1) / maxt;
    const int tmax = (batch + groups - 1) / groups;
    if (packed) {
        matmul_packed(level, q4, w, rb, r0, r1, nb, ngroups, x, xstride, batch, out, ostride);
        return;
    }
    const int rt = level == LEVEL_SCALAR ? 1 : rows_for(level, tmax);
    for (int r = r0; r < r1;) {
        const int R = r1 - r >= rt ? rt : 1;
        const uint8_t *wr = w + (int64_t) r * rb;
        for (int g = 0, t0 = 0; g < groups; g++) {
            const int t1 = (int) ((int64_t) batch * (g + 1) / groups);
            const int T = t1 - t0;
            if (level != LEVEL_SCALAR) {
                tile_pairs_at(level, q4, R, T, r, t0, wr, rb, nb, x, xstride, out, ostride, 0);
            } else {
                tile_scalar(q4, R, T, wr, rb, nb, x + t0 * xstride, xstride, out + (int64_t) t0 * ostride + r, ostride);
            }
            t0 = t1;
        }
        r += R;
    }
}
