// x86 vector requantisation shared by the AVX2 and AVX-512 kernels. It computes exactly
// fp_qu8_requant_scalar (see CKernels.h): 64-bit products from vpmuldq on even and odd lanes,
// rounding added in 64 bits, then the high dword shifted by (shift - 32) with a 32-bit
// arithmetic shift, which equals the low dword of the 64-bit arithmetic shift because
// shift >= 32 (AVX2 has no 64-bit arithmetic shift).
#ifndef FACEPIPE_X86_REQUANT_H
#define FACEPIPE_X86_REQUANT_H
#include <immintrin.h>
#include <string.h>
#include "CKernels.h"

#define FP_TARGET_AVX2 __attribute__((target("avx2")))
#ifndef FP_TARGET_AVX512VNNI  // Tests/EmulatedISA/vnni_emulation.h redefines it to run the kernel on AVX2
#define FP_TARGET_AVX512VNNI __attribute__((target("avx2,avx512f,avx512bw,avx512vnni")))
#endif

static inline uint32_t fp_load_u32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

typedef struct fp_requant_avx2 {
    __m128i shift_high;   // shift - 32
    __m256i rounding;     // 2^(shift-1) in each 64-bit lane
    __m256i low, high;    // clamp bounds relative to the zero point
    __m256i zero_point;
} fp_requant_avx2;

static inline FP_TARGET_AVX2 fp_requant_avx2 fp_requant_avx2_init(const fp_qu8_requant *rq) {
    fp_requant_avx2 c;
    c.shift_high = _mm_cvtsi32_si128(rq->shift - 32);
    c.rounding = _mm256_set1_epi64x((int64_t)1 << (rq->shift - 1));
    c.low = _mm256_set1_epi32(rq->output_min - rq->output_zero_point);
    c.high = _mm256_set1_epi32(rq->output_max - rq->output_zero_point);
    c.zero_point = _mm256_set1_epi32(rq->output_zero_point);
    return c;
}

// 8 int32 accumulators -> 8 int32 outputs in [output_min, output_max].
static inline FP_TARGET_AVX2 __m256i fp_requant8_avx2(__m256i acc, __m256i multiplier,
                                                      const fp_requant_avx2 *c) {
    const __m256i zero = _mm256_setzero_si256();
    __m256i even = _mm256_mul_epi32(acc, multiplier);
    __m256i odd = _mm256_mul_epi32(_mm256_srli_epi64(acc, 32), _mm256_srli_epi64(multiplier, 32));
    even = _mm256_add_epi64(_mm256_add_epi64(even, c->rounding), _mm256_cmpgt_epi64(zero, even));
    odd = _mm256_add_epi64(_mm256_add_epi64(odd, c->rounding), _mm256_cmpgt_epi64(zero, odd));
    even = _mm256_sra_epi32(even, c->shift_high);
    odd = _mm256_sra_epi32(odd, c->shift_high);
    __m256i r = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
    r = _mm256_min_epi32(_mm256_max_epi32(r, c->low), c->high);
    return _mm256_add_epi32(r, c->zero_point);
}

// Two vectors of 8 outputs (channels 0-7, 8-15), already in 0...255, to 16 ordered bytes.
static inline FP_TARGET_AVX2 void fp_store16_avx2(uint8_t *out, __m256i c0_7, __m256i c8_15) {
    const __m256i words = _mm256_permute4x64_epi64(_mm256_packs_epi32(c0_7, c8_15), 0xD8);
    const __m128i bytes = _mm_packus_epi16(_mm256_castsi256_si128(words),
                                           _mm256_extracti128_si256(words, 1));
    _mm_storeu_si128((__m128i *)out, bytes);
}

#endif
