/*
 * What Specula's kernel files share: the instruction levels and their target attributes (the files are
 * compiled without -march, and each kernel picks its level at run time), and the scalar helpers.
 */
#ifndef SPECULA_COMMON_H
#define SPECULA_COMMON_H

#include <stdint.h>
#include <string.h>
#include <immintrin.h>

/* AVX2 and AVX-VNNI (vpdpbusd on 256-bit registers) compute the same bits as AVX-512 VNNI; the override in
   NativeKernels.java picks a lower one than the CPU's best. */
enum { LEVEL_SCALAR = 0, LEVEL_AVX2 = 1, LEVEL_AVX_VNNI = 2, LEVEL_AVX512_VNNI = 3 };

#define INLINE static inline __attribute__((always_inline))
#define T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define T256 __attribute__((target("avx2,fma,f16c")))
/* Loops over the rows and inputs of a tile must unroll completely, or the accumulators go to memory. */
#define UNROLL _Pragma("GCC unroll 8")

static inline int has_avx512_vnni(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
           && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")
           && __builtin_cpu_supports("avx512vnni");
}

/* Units (column groups) per chunk of n, so that T inputs at unit_bytes each per unit fit in budget bytes of L1,
   the chunks as even as possible: a long row runs in chunks, its accumulators parked between them. */
static inline int l1_chunk(int n, int unit_bytes, int T, int budget) {
    int chunk = budget / (unit_bytes * T);
    if (chunk < 1) chunk = 1;
    const int chunks = (n + chunk - 1) / chunk;
    return (n + chunks - 1) / chunks;
}

static inline uint16_t load_u16(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return h;
}

/* Half to float without F16C, for the scalar levels. */
static inline float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t) (h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (man << 13);
    } else if (exp != 0) {
        bits = sign | ((exp + 112) << 23) | (man << 13);
    } else {
        float f = (float) man * (1.0f / 16777216.0f); /* subnormal: man * 2^-24 */
        memcpy(&bits, &f, 4);
        bits |= sign;
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static inline int has_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

static inline int has_avx_vnni(void) {
    __builtin_cpu_init();
    return has_avx2() && __builtin_cpu_supports("avxvnni");
}

/* The best level of this CPU. */
static inline int best_level(void) {
    return has_avx512_vnni() ? LEVEL_AVX512_VNNI : has_avx_vnni() ? LEVEL_AVX_VNNI : has_avx2() ? LEVEL_AVX2 : LEVEL_SCALAR;
}

#endif
