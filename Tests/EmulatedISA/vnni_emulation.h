// Lets Tests/EmulatedISA/conv_kernel_test.c run fp_qu8_conv_8x16c4_avx512vnni on a host without
// AVX-512 (this project's CI and build machine are AVX2-only): force-included before the
// kernel source, it compiles the kernel for AVX2 and replaces the five AVX-512 intrinsics it
// uses with plain C that follows Intel's definitions (vpdpbusd: per 32-bit lane, the sum of
// four uint8 x int8 products added without saturation). Everything else in the kernel -
// indirection walk, packing offsets, tails, requantisation, stores - runs as shipped.
#ifndef FACEPIPE_VNNI_EMULATION_H
#define FACEPIPE_VNNI_EMULATION_H
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#define FP_TARGET_AVX512VNNI __attribute__((target("avx2")))

typedef struct { int32_t lane[16]; } fp_emu_m512i;

static inline fp_emu_m512i fp_emu_loadu(const void *p) {
    fp_emu_m512i v;
    memcpy(v.lane, p, 64);
    return v;
}
static inline fp_emu_m512i fp_emu_set1_epi32(int32_t x) {
    fp_emu_m512i v;
    for (int i = 0; i < 16; i++) v.lane[i] = x;
    return v;
}
static inline fp_emu_m512i fp_emu_dpbusd(fp_emu_m512i acc, fp_emu_m512i a, fp_emu_m512i b) {
    uint8_t ua[64];
    int8_t sb[64];
    memcpy(ua, a.lane, 64);
    memcpy(sb, b.lane, 64);
    for (int i = 0; i < 16; i++) {
        int32_t sum = 0;
        for (int j = 0; j < 4; j++) sum += (int32_t)ua[4 * i + j] * (int32_t)sb[4 * i + j];
        acc.lane[i] = (int32_t)((uint32_t)acc.lane[i] + (uint32_t)sum);
    }
    return acc;
}
static inline __attribute__((target("avx2"))) __m256i fp_emu_half(fp_emu_m512i v, int upper) {
    return _mm256_loadu_si256((const __m256i *)(v.lane + 8 * upper));
}

#define __m512i fp_emu_m512i
#define _mm512_loadu_si512 fp_emu_loadu
#define _mm512_set1_epi32 fp_emu_set1_epi32
#define _mm512_dpbusd_epi32 fp_emu_dpbusd
#define _mm512_castsi512_si256(v) fp_emu_half((v), 0)
#define _mm512_extracti64x4_epi64(v, i) fp_emu_half((v), (i))
#endif
