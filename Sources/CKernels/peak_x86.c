// Register-only peak int8 MAC loops for x86 (what `facepipe bench engine` reports as the
// ceiling the conv kernels are measured against). Independent accumulator chains hide the
// instruction latency; the empty asm keeps the compiler from folding the loop.
#if defined(__x86_64__)
#include "x86_requant.h"

// 12 chains x vpdpbusd (64 MACs) x 4 unrolled rounds.
const int64_t fp_peak_macs_per_iteration_avx512vnni = 12 * 64 * 4;
// 8 chains x vpmaddwd (16 MACs) + vpaddd (the accumulation) x 4 unrolled rounds.
const int64_t fp_peak_macs_per_iteration_avx2 = 8 * 16 * 4;

FP_TARGET_AVX512VNNI int64_t fp_peak_avx512vnni(int64_t iterations) {
    __m512i acc[12];
    for (int i = 0; i < 12; i++) acc[i] = _mm512_set1_epi32(i);
    const __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2);
    for (int64_t it = 0; it < iterations; it++) {
        for (int rep = 0; rep < 4; rep++) {
            for (int i = 0; i < 12; i++) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
            __asm__ volatile("" : "+v"(acc[0]), "+v"(acc[1]), "+v"(acc[2]), "+v"(acc[3]));
        }
    }
    __m512i s = acc[0];
    for (int i = 1; i < 12; i++) s = _mm512_add_epi32(s, acc[i]);
    return _mm512_reduce_add_epi32(s);
}

FP_TARGET_AVX2 int64_t fp_peak_avx2(int64_t iterations) {
    // 8 distinct products (4 activations x 2 weights); the asm makes the activations opaque
    // each round so the multiplies cannot be hoisted out of the loop.
    __m256i acc[8], x[4];
    for (int i = 0; i < 8; i++) acc[i] = _mm256_set1_epi32(i);
    for (int i = 0; i < 4; i++) x[i] = _mm256_set1_epi16((short)(i + 1));
    const __m256i b0 = _mm256_set1_epi16(-2), b1 = _mm256_set1_epi16(5);
    for (int64_t it = 0; it < iterations; it++) {
        for (int rep = 0; rep < 4; rep++) {
            __asm__ volatile("" : "+x"(x[0]), "+x"(x[1]), "+x"(x[2]), "+x"(x[3]));
            for (int i = 0; i < 4; i++) {
                acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(x[i], b0));
                acc[i + 4] = _mm256_add_epi32(acc[i + 4], _mm256_madd_epi16(x[i], b1));
            }
        }
    }
    __m256i s = acc[0];
    for (int i = 1; i < 8; i++) s = _mm256_add_epi32(s, acc[i]);
    const __m128i h = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
    return _mm_cvtsi128_si32(h) + _mm_extract_epi32(h, 1) + _mm_extract_epi32(h, 2) + _mm_extract_epi32(h, 3);
}
#endif
