/*
 * Specula's native kernels for K-quant weights: products of Q4_K weight rows with a batch of inputs
 * rounded to Q8_K (per 256 values one float scale dx and 256 signed bytes, as llama.cpp's
 * quantize_row_q8_K; dev.specula.tensor.Q8KActivations lays them out). Linked into the same library as
 * specula_kernels.c; what the two share is in specula_common.h.
 *
 * Q4_K super-block (144 bytes): half d, half dmin, 12 bytes of packed 6-bit scales sc_j and mins m_j
 * (j < 8), 128 bytes of nibbles in four groups of 32 bytes: group g's low nibbles are sub-block 2g,
 * its high nibbles sub-block 2g + 1 (byte i holds value i of both). The product of a super-block with
 * an input is llama.cpp's
 *     d * dx * sum_j sc_j * (sum of q4 * q8 over sub-block j) - dmin * dx * sum_j m_j * (sum of q8 over j).
 *
 * AVX-512 VNNI: two super-blocks (16 sub-blocks) at a time, one sub-block per int32 lane. The weights
 * are already unsigned bytes (0..15), so vpdpbusd takes them as they are, with no bias correction; eight
 * vpdpbusd give every lane its sub-block's integer sum, and one conversion, one multiply and two fused
 * multiply-adds per input apply the float scales (sc_j and m_j times d or dmin are exact in float, so
 * only the products with dx and the final additions round). The weights are put in that lane order
 * once per row and pair (a 4x4 transpose of 32-bit words, shifts and masks: about 50 instructions),
 * then serve every input of the tile.
 *
 * Lane i = 4 L + a (L the 128-bit lane, a the word in it) of a pair holds super-block a / 2 of the pair,
 * sub-block j(i) = 4 (a % 2) + 2 (L % 2) + L / 2.
 *
 * Inputs: input t starts at x + t * xstride; super-blocks 2p and 2p + 1 take 640 bytes from 640 p on:
 *   [64k, 64k + 64) for k < 8: lane i holds the input bytes 4k..4k+3 of sub-block j(i) of its super-block
 *   [512, 576)  lane i: dx of its super-block, as a float
 *   [576, 640)  lane i: dx * (sum of the 32 bytes of its sub-block), as a float
 * With an odd number of super-blocks, the last pair's second half (lanes with a >= 2) is all zero.
 * The scalar level reads the same layout. Output: out[t * ostride + r] for rows r in [r0, r1).
 */
#include "specula_common.h"

#define KQ_SB 144
#define KQ_PAIR 640
#define KQ_MAXT 8
/* inputs per group at the AVX2 levels */
#define KQ_MAXT2 4
/* Non-temporal prefetches of the weights, each read once: 3-5% faster than T0 in a single-thread stream of
   4096x4096 (T1 and T2: 25% slower at batch 1). */
#ifndef KQ_HINT
#define KQ_HINT _MM_HINT_NTA
#endif
/* A second prefetch, into L2, further ahead: 8 KB along the row, or two rows on in column chunks.
   Single-thread streams: 4096x4096 batch 5 1.00 -> 0.85 ms, batch 8 1.54 -> 1.28 ms; 4096x11008 batch 5
   3.00 -> 2.5 ms; batch 1 unchanged within noise. */
#ifndef KQ_FAR
#define KQ_FAR 8192
#endif
#ifndef KQ_CHUNK_FAR
#define KQ_CHUNK_FAR (2 * rb)
#endif
/* Bytes ahead of the pair being read that are prefetched (into L1) along a row. */
#ifndef KQ_PREFETCH
#define KQ_PREFETCH 2048
#endif

/* The best level this CPU has Q4_K code for: AVX-512 VNNI, AVX-VNNI, AVX2 or the scalar reference. */
int specula_kq_level(void) {
    return best_level();
}

static inline uint32_t kq_u32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}


/* The sub-block of lane i (see the top). */
static inline int kq_sub_block(int i) {
    const int L = i / 4, a = i % 4;
    return 4 * (a % 2) + 2 * (L % 2) + L / 2;
}

/* ---------------------------------------------------------------------------------------------------
 * AVX-512 VNNI.
 */

/* Per dword lane i, from the 16 bytes at the scale field of its super-block: byte 0 the byte with the
   low bits of sc_j, byte 1 the one with its top two bits (none for j < 4), bytes 2 and 3 the same for m_j. */
#define KQ_SCALE_BYTES(j) ((j) < 4 ? ((j) | 0x80u << 8 | ((j) + 4u) << 16 | 0x80u << 24) \
                                   : (((j) + 4u) | ((j) - 4u) << 8 | ((j) + 4u) << 16 | (uint32_t) (j) << 24))
#define KQ_IDX(i) ((int) KQ_SCALE_BYTES(4 * ((i) % 4 % 2) + 2 * ((i) / 4 % 2) + (i) / 4 / 2))
#define KQ_LOWMASK(i) (kq_sub_block_c(i) < 4 ? 63 : 15)
#define kq_sub_block_c(i) (4 * ((i) % 4 % 2) + 2 * ((i) / 4 % 2) + (i) / 4 / 2)
#define KQ_MSHIFT(i) (kq_sub_block_c(i) < 4 ? 0 : 4)

/* dsc lane i: d * sc_j(i), dmn lane i: dmin * m_j(i), from the 12 scale bytes of each super-block (va, vb:
   broadcast to every 128-bit lane) and the two super-blocks' d and dmin as floats 0..3 (dd). */
T512 INLINE void kq_scales_mins(const __m512i va, const __m512i vb, const __m128 dd, __m512 *dsc, __m512 *dmn) {
    const __m512i idx = _mm512_setr_epi32(KQ_IDX(0), KQ_IDX(1), KQ_IDX(2), KQ_IDX(3), KQ_IDX(4), KQ_IDX(5),
            KQ_IDX(6), KQ_IDX(7), KQ_IDX(8), KQ_IDX(9), KQ_IDX(10), KQ_IDX(11), KQ_IDX(12), KQ_IDX(13),
            KQ_IDX(14), KQ_IDX(15));
    /* dword lanes with a' >= 2: bytes 8..15 of every 128-bit lane */
    const __m512i sx = _mm512_mask_shuffle_epi8(_mm512_shuffle_epi8(va, idx), 0xFF00FF00FF00FF00ull, vb, idx);
    const __m512i lowmask = _mm512_setr_epi32(KQ_LOWMASK(0), KQ_LOWMASK(1), KQ_LOWMASK(2), KQ_LOWMASK(3),
            KQ_LOWMASK(4), KQ_LOWMASK(5), KQ_LOWMASK(6), KQ_LOWMASK(7), KQ_LOWMASK(8), KQ_LOWMASK(9),
            KQ_LOWMASK(10), KQ_LOWMASK(11), KQ_LOWMASK(12), KQ_LOWMASK(13), KQ_LOWMASK(14), KQ_LOWMASK(15));
    const __m512i mshift = _mm512_setr_epi32(KQ_MSHIFT(0), KQ_MSHIFT(1), KQ_MSHIFT(2), KQ_MSHIFT(3),
            KQ_MSHIFT(4), KQ_MSHIFT(5), KQ_MSHIFT(6), KQ_MSHIFT(7), KQ_MSHIFT(8), KQ_MSHIFT(9),
            KQ_MSHIFT(10), KQ_MSHIFT(11), KQ_MSHIFT(12), KQ_MSHIFT(13), KQ_MSHIFT(14), KQ_MSHIFT(15));
    const __m512i top = _mm512_set1_epi32(0x30);
    /* (A & B) | C */
    const __m512i sc = _mm512_ternarylogic_epi32(sx, lowmask, _mm512_and_si512(_mm512_srli_epi32(sx, 10), top), 0xEA);
    const __m512i my = _mm512_srli_epi32(sx, 16);
    const __m512i mn = _mm512_ternarylogic_epi32(_mm512_srlv_epi32(my, mshift), lowmask,
                                                 _mm512_and_si512(_mm512_srli_epi32(my, 10), top), 0xEA);
    /* d, dmin of both super-blocks spread over the lanes */
    const __m512 d4 = _mm512_castps128_ps512(dd);
    const __m512 dv = _mm512_permutexvar_ps(_mm512_setr_epi32(0, 0, 2, 2, 0, 0, 2, 2, 0, 0, 2, 2, 0, 0, 2, 2), d4);
    const __m512 mv = _mm512_permutexvar_ps(_mm512_setr_epi32(1, 1, 3, 3, 1, 1, 3, 3, 1, 1, 3, 3, 1, 1, 3, 3), d4);
    *dsc = _mm512_mul_ps(_mm512_cvtepi32_ps(sc), dv);
    *dmn = _mm512_mul_ps(_mm512_cvtepi32_ps(mn), mv);
}

/* u[k] lane i: the nibbles of values 4k..4k+3 of sub-block j(i); dsc lane i: d * sc_j; dmn lane i: dmin * m_j.
   With both == 0 only the first super-block is read and the second half of every lane is zero. */
T512 INLINE void kq_pair_weights(const uint8_t *a, const int both, __m512i u[8], __m512 *dsc, __m512 *dmn) {
    const uint8_t *b = a + KQ_SB;
    const __m512i zero = _mm512_setzero_si512();
    const __m512i z0 = _mm512_loadu_si512(a + 16), z1 = _mm512_loadu_si512(a + 80);
    const __m512i z2 = both ? _mm512_loadu_si512(b + 16) : zero, z3 = both ? _mm512_loadu_si512(b + 80) : zero;
    /* o_k lane 4L + a' <- word k of z_a' 128-bit lane L, k < 4 */
    const __m512i t0 = _mm512_unpacklo_epi32(z0, z1), t1 = _mm512_unpackhi_epi32(z0, z1);
    const __m512i t2 = _mm512_unpacklo_epi32(z2, z3), t3 = _mm512_unpackhi_epi32(z2, z3);
    __m512i o[4];
    o[0] = _mm512_unpacklo_epi64(t0, t2);
    o[1] = _mm512_unpackhi_epi64(t0, t2);
    o[2] = _mm512_unpacklo_epi64(t1, t3);
    o[3] = _mm512_unpackhi_epi64(t1, t3);
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    UNROLL
    for (int k = 0; k < 4; k++) {
        /* o_k's 128-bit lanes: 0 and 2 bytes 4k.. of groups 2(a'%2) and 2(a'%2)+1, lanes 1 and 3 bytes 16+4k.. */
        const __m512i lo = _mm512_and_si512(o[k], m4);
        const __m512i hi = _mm512_and_si512(_mm512_srli_epi32(o[k], 4), m4);
        u[k] = _mm512_shuffle_i32x4(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
        u[k + 4] = _mm512_shuffle_i32x4(lo, hi, _MM_SHUFFLE(3, 1, 3, 1));
    }
    const __m512i va = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *) (a + 4)));
    const __m512i vb = both ? _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *) (b + 4))) : zero;
    kq_scales_mins(va, vb, _mm_cvtph_ps(_mm_set_epi32(0, 0, both ? (int) kq_u32(b) : 0, (int) kq_u32(a))), dsc, dmn);
}

/* ---------------------------------------------------------------------------------------------------
 * Repacked weights (specula_q4k_repack, once per matrix): each pair of super-blocks of a row keeps its 288
 * bytes, rearranged so that the AVX-512 kernel loads them in lane order and skips the transpose:
 *   [64k, 64k + 64) for k < 4: lane i holds 4 bytes whose low nibbles are values 4k..4k+3 of sub-block
 *                   j(i) and whose high nibbles are values 16+4k..16+4k+3 of it
 *   [256, 268)      the first super-block's 12 bytes of scales and mins, [268, 280) the second's
 *   [280, 284)      the first's d and dmin (halves), [284, 288) the second's
 * An odd last super-block of a row stays as it was. The same inputs, integer sums and float steps: the
 * results are bit-identical to the file layout's.
 */
/* kq_pair_weights for a repacked pair at a. */
T512 INLINE void kq_pair_weights_packed(const uint8_t *a, __m512i u[8], __m512 *dsc, __m512 *dmn) {
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    UNROLL
    for (int k = 0; k < 4; k++) {
        const __m512i wk = _mm512_loadu_si512(a + 64 * k);
        u[k] = _mm512_and_si512(wk, m4);
        u[k + 4] = _mm512_and_si512(_mm512_srli_epi32(wk, 4), m4);
    }
    kq_scales_mins(_mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *) (a + 256))),
                   _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *) (a + 268))),
                   _mm_cvtph_ps(_mm_loadl_epi64((const __m128i *) (a + 280))), dsc, dmn);
}

/* The pair of super-blocks at s (only the first when both == 0: the second then repacks as all zero) into d. */
static void kq_repack_pair(const uint8_t *s, const int both, uint8_t *d) {
    for (int i = 0; i < 16; i++) {
        const int second = i % 4 / 2;
        const uint8_t *blk = s + second * KQ_SB;
        const int j = kq_sub_block(i);
        for (int k = 0; k < 4; k++)
            for (int c = 0; c < 4; c++) {
                const int v = 4 * k + c;
                const int lo = (blk[16 + 32 * (j / 2) + v] >> (4 * (j % 2))) & 15;
                const int hi = (blk[16 + 32 * (j / 2) + 16 + v] >> (4 * (j % 2))) & 15;
                d[64 * k + 4 * i + c] = second && !both ? 0 : (uint8_t) (lo | hi << 4);
            }
    }
    memcpy(d + 256, s + 4, 12);
    memcpy(d + 280, s, 4);
    if (both) {
        memcpy(d + 268, s + KQ_SB + 4, 12);
        memcpy(d + 284, s + KQ_SB, 4);
    } else {
        memset(d + 268, 0, 12);
        memset(d + 284, 0, 4);
    }
}

/* Rows [r0, r1) of src (rb bytes a row, nsb super-blocks) into dst, repacked as above. */
void specula_q4k_repack(const uint8_t *src, uint8_t *dst, int64_t rb, int32_t r0, int32_t r1, int32_t nsb) {
    for (int64_t r = r0; r < r1; r++) {
        const uint8_t *s = src + r * rb;
        uint8_t *d = dst + r * rb;
        for (int p = 0; p < nsb / 2; p++, s += 2 * KQ_SB, d += 2 * KQ_SB) kq_repack_pair(s, 1, d);
        if (nsb % 2) memcpy(d, s, KQ_SB);
    }
}

/* One row x T inputs over pairs [p0, p0 + n) of the row (w and x point at pair p0; nsb counts the
   row's super-blocks from p0 on). The accumulators start from zero when first, else from acc (16 floats
   per input), and are parked there again unless out is given, where the row's results go. Parking them
   in memory changes no bit, and the operations on one input do not depend on T. */
T512 INLINE void kq_tile512(const int T, const int packed, const uint8_t *w, const int n, const int nsb, const uint8_t *x,
                                  const int64_t xstride, float *acc_mem, const int first, float *out,
                                  const int64_t ahead, const int64_t far) {
    __m512 acc[KQ_MAXT];
    UNROLL
    for (int t = 0; t < T; t++) acc[t] = first ? _mm512_setzero_ps() : _mm512_load_ps(acc_mem + 16 * t);
    for (int p = 0; p < n; p++) {
        const uint8_t *b = w + (int64_t) p * 2 * KQ_SB;
        /* the hardware prefetcher alone falls behind once a row takes longer than a few inputs */
        UNROLL
        for (int l = 0; l < 2 * KQ_SB; l += 64) _mm_prefetch((const char *) (b + ahead + l), KQ_HINT);
        UNROLL
        for (int l = 0; l < 2 * KQ_SB; l += 64) _mm_prefetch((const char *) (b + far + l), _MM_HINT_T1);
        __m512i u[8];
        __m512 dsc, dmn;
        if (packed && 2 * p + 1 < nsb) kq_pair_weights_packed(b, u, &dsc, &dmn);
        else kq_pair_weights(b, 2 * p + 1 < nsb, u, &dsc, &dmn);
        UNROLL
        for (int t = 0; t < T; t++) {
            const uint8_t *xg = x + t * xstride + (int64_t) p * KQ_PAIR;
            /* two chains of four, so that a single input does not wait on eight dependent vpdpbusd */
            __m512i s0 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), u[0], _mm512_loadu_si512(xg));
            __m512i s1 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), u[1], _mm512_loadu_si512(xg + 64));
            s0 = _mm512_dpbusd_epi32(s0, u[2], _mm512_loadu_si512(xg + 128));
            s1 = _mm512_dpbusd_epi32(s1, u[3], _mm512_loadu_si512(xg + 192));
            s0 = _mm512_dpbusd_epi32(s0, u[4], _mm512_loadu_si512(xg + 256));
            s1 = _mm512_dpbusd_epi32(s1, u[5], _mm512_loadu_si512(xg + 320));
            s0 = _mm512_dpbusd_epi32(s0, u[6], _mm512_loadu_si512(xg + 384));
            s1 = _mm512_dpbusd_epi32(s1, u[7], _mm512_loadu_si512(xg + 448));
            const __m512 f = _mm512_mul_ps(dsc, _mm512_loadu_ps((const float *) (xg + 512)));
            acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(s0, s1)), f, acc[t]);
            acc[t] = _mm512_fnmadd_ps(dmn, _mm512_loadu_ps((const float *) (xg + 576)), acc[t]);
        }
    }
    if (out) {
        UNROLL
        for (int t = 0; t < T; t++) out[t] = _mm512_reduce_add_ps(acc[t]);
    } else {
        UNROLL
        for (int t = 0; t < T; t++) _mm512_store_ps(acc_mem + 16 * t, acc[t]);
    }
}

#define KQ_CALL(TT) \
    if (packed) kq_tile512(TT, 1, w, n, nsb, x, xstride, acc_mem, first, out, ahead, far); \
    else kq_tile512(TT, 0, w, n, nsb, x, xstride, acc_mem, first, out, ahead, far)

T512 static void kq_tile512_any(int T, int packed, const uint8_t *w, int n, int nsb, const uint8_t *x,
                                   int64_t xstride, float *acc_mem, int first, float *out, int64_t ahead,
                                   int64_t far) {
    switch (T) {
        case 1: KQ_CALL(1); break; case 2: KQ_CALL(2); break;
        case 3: KQ_CALL(3); break; case 4: KQ_CALL(4); break;
        case 5: KQ_CALL(5); break; case 6: KQ_CALL(6); break;
        case 7: KQ_CALL(7); break; case 8: KQ_CALL(8); break;
    }
}

#define VNNI 0
#include "specula_kq_avx2.inc"
#undef VNNI
#define VNNI 1
#include "specula_kq_avx2.inc"
#undef VNNI

/* The tile kernel of a level. */
static void kq_tile_at(int level, int T, int packed, const uint8_t *w, int n, int nsb, const uint8_t *x,
                       int64_t xstride, float *acc_mem, int first, float *out, int64_t ahead, int64_t far) {
    if (level == LEVEL_AVX512_VNNI) kq_tile512_any(T, packed, w, n, nsb, x, xstride, acc_mem, first, out, ahead, far);
    else if (level == LEVEL_AVX_VNNI) kq_tile_any_vnni(T, packed, w, n, nsb, x, xstride, acc_mem, first, out, ahead, far);
    else kq_tile_any_avx2(T, packed, w, n, nsb, x, xstride, acc_mem, first, out, ahead, far);
}

/* Inputs are read from L1 only while those of a tile fit beside its weights (a row of 11008 columns
   holds 14 KB of each input). Longer rows run in column chunks, a block of rows at a time, their
   accumulators parked in memory between chunks; a chunk prefetches the same columns of the next row,
   which it reads next (prefetching 2 or 4 rows ahead measured the same). The scheme of specula_kernels.c's
   packed Q4_0/Q8_0 kernel. Chunks cost a stream some speed (4096 columns, batch 5, one thread: 1.0 ms
   unchunked, 1.3 ms in chunks of 4 pairs), so only inputs beyond 32 KB are chunked, though this Zen 4
   has 32 KB of L1: 11008 columns at batch 5 take 2.9 ms chunked, 3.9 ms not. */
#ifndef KQ_L1_INPUT_BYTES
#define KQ_L1_INPUT_BYTES 32768
#endif
#define KQ_ROW_BLOCK 16

static void kq_matmul(const int level, const int packed, const uint8_t *w, int64_t rb, int r0, int r1, int nsb, const uint8_t *x,
                                 int64_t xstride, int batch, float *out, int64_t ostride) {
    const int maxt = level == LEVEL_AVX512_VNNI ? KQ_MAXT : KQ_MAXT2;
    const int groups = (batch + maxt - 1) / maxt;
    const int npairs = (nsb + 1) / 2;
    float acc_mem[KQ_ROW_BLOCK * KQ_MAXT * 16] __attribute__((aligned(64)));
    float part[KQ_ROW_BLOCK][KQ_MAXT];
    /* Rows outer, input groups inner, as in specula_kernels.c: a second group re-reads a block's weights from L2. */
    for (int rs = r0; rs < r1; rs += KQ_ROW_BLOCK) {
        const int re = r1 - rs < KQ_ROW_BLOCK ? r1 : rs + KQ_ROW_BLOCK;
        for (int g = 0, t0 = 0; g < groups; g++) {
            const int t1 = (int) ((int64_t) batch * (g + 1) / groups);
            const int T = t1 - t0;
            const uint8_t *xt = x + t0 * xstride;
            const int chunk = l1_chunk(npairs, KQ_PAIR, T, KQ_L1_INPUT_BYTES);
            if (npairs <= chunk) {
                for (int r = rs; r < re; r++) {
                    kq_tile_at(level, T, packed, w + r * rb, npairs, nsb, xt, xstride, acc_mem, 1, part[r - rs], KQ_PREFETCH, KQ_FAR);
                }
            } else {
                for (int c0 = 0; c0 < npairs; c0 += chunk) {
                    const int n = npairs - c0 < chunk ? npairs - c0 : chunk;
                    for (int r = rs; r < re; r++) {
                        kq_tile_at(level, T, packed, w + r * rb + (int64_t) c0 * 2 * KQ_SB, n, nsb - 2 * c0,
                                       xt + (int64_t) c0 * KQ_PAIR, xstride, acc_mem + (r - rs) * KQ_MAXT * 16,
                                       c0 == 0, c0 + n == npairs ? part[r - rs] : 0, rb, KQ_CHUNK_FAR);
                    }
                }
            }
            for (int r = rs; r < re; r++)
                for (int t = 0; t < T; t++) out[(int64_t) (t0 + t) * ostride + r] = part[r - rs][t];
            t0 = t1;
        }
    }
}

/* ---------------------------------------------------------------------------------------------------
 * Scalar: llama.cpp's arithmetic spelled out (integer sums per sub-block, integer scales and mins, one
 * float step per super-block), for tests and as a readable statement of what the AVX-512 level computes.
 */
static void kq_scalar(const uint8_t *w, int nsb, const uint8_t *x, float *out) {
    float sum = 0.0f;
    for (int s = 0; s < nsb; s++) {
        const uint8_t *blk = w + (int64_t) s * KQ_SB;
        const uint8_t *q = blk + 4;
        const uint8_t *xg = x + (int64_t) (s / 2) * KQ_PAIR;
        int32_t sumi = 0, summs = 0;
        float dx = 0.0f;
        for (int i = 0; i < 16; i++) {
            if (i % 4 / 2 != s % 2) continue;
            const int j = kq_sub_block(i);
            const int sc = j < 4 ? q[j] & 63 : (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
            const int m = j < 4 ? q[j + 4] & 63 : (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
            int32_t dot = 0, bsum = 0;
            for (int v = 0; v < 32; v++) {
                const int q8 = (int8_t) xg[64 * (v / 4) + 4 * i + v % 4];
                const int q4 = (blk[16 + 32 * (j / 2) + v] >> (4 * (j % 2))) & 0xF;
                dot += q4 * q8;
                bsum += q8;
            }
            sumi += sc * dot;
            summs += m * bsum;
            memcpy(&dx, xg + 512 + 4 * i, 4);
        }
        sum += dx * half_to_float(load_u16(blk)) * (float) sumi;
        sum -= dx * half_to_float(load_u16(blk + 2)) * (float) summs;
    }
    *out = sum;
}

/* ---------------------------------------------------------------------------------------------------
 * Dispatch: the batch in groups of at most 8 inputs, as even as possible, each group over a block of rows in turn;
 * packed: w as specula_q4k_repack left it (the SIMD levels only).
 */
void specula_q4k_matmul_rows(int32_t level, const uint8_t *w, int64_t rb, int32_t r0, int32_t r1, int32_t nsb,
                             const uint8_t *x, int64_t xstride, int32_t batch, float *out, int32_t ostride,
                             int32_t packed) {
    if (level != LEVEL_SCALAR) {
        kq_matmul(level, packed, w, rb, r0, r1, nsb, x, xstride, batch, out, ostride);
        return;
    }
    if (packed) return; /* never asked: the scalar level reads the file layout only */
    for (int r = r0; r < r1; r++) {
        for (int t = 0; t < batch; t++) {
            kq_scalar(w + (int64_t) r * rb, nsb, x + t * xstride, out + (int64_t) t * ostride + r);
        }
    }
}
