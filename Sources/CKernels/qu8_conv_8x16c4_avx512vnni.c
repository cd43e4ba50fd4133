// Conv microkernel for AVX-512 VNNI: 8 output pixels x 16 channels. vpdpbusd multiplies
// 4 uint8 activations by 4 int8 weights and adds the 4 products to an int32 lane, which is
// exactly one 64-byte weight group against 4 broadcast activation bytes: no widening and no
// saturation (the sum of 4 products fits easily in int32).
#if defined(__x86_64__)
#include "x86_requant.h"

#define MR FP_QU8_CONV_MR_AVX512VNNI

FP_TARGET_AVX512VNNI void fp_qu8_conv_8x16c4_avx512vnni(const fp_qu8_conv_args *a) {
    const size_t ks = a->ks, kc = a->kc, block_bytes = fp_qu8_conv_block_bytes(ks, kc);
    // Rows past mr repeat the last real row (same inputs, same outputs, same address).
    const uint8_t *const *ind[MR];
    uint8_t *out[MR];
    for (size_t r = 0; r < MR; r++) {
        const size_t rr = r < a->mr ? r : a->mr - 1;
        ind[r] = a->indirection + rr * ks;
        out[r] = a->output + rr * a->output_stride;
    }
    const fp_requant_avx2 rq = fp_requant_avx2_init(&a->requant);
    const uint8_t *block = (const uint8_t *)a->packed_weights;
    for (size_t n0 = 0; n0 < a->nc; n0 += FP_QU8_CONV_NR, block += block_bytes) {
        const __m512i bias = _mm512_loadu_si512(block);
        __m512i acc[MR];
#pragma GCC unroll 8
        for (int r = 0; r < MR; r++) acc[r] = bias;
        const int8_t *w = (const int8_t *)(block + FP_QU8_CONV_BLOCK_HEADER_BYTES);
        for (size_t t = 0; t < ks; t++) {
            const uint8_t *x[MR];
#pragma GCC unroll 8
            for (int r = 0; r < MR; r++) x[r] = ind[r][t];
            for (size_t k = 0; k < kc; k += 4, w += 64) {
                const __m512i wv = _mm512_loadu_si512(w);
#pragma GCC unroll 8
                for (int r = 0; r < MR; r++) {
                    acc[r] = _mm512_dpbusd_epi32(acc[r], _mm512_set1_epi32((int)fp_load_u32(x[r] + k)), wv);
                }
            }
        }
        const __m256i mult_lo = _mm256_loadu_si256((const __m256i *)(block + 128));
        const __m256i mult_hi = _mm256_loadu_si256((const __m256i *)(block + 160));
        for (int r = 0; r < MR; r++) {
            const __m256i lo = fp_requant8_avx2(_mm512_castsi512_si256(acc[r]), mult_lo, &rq);
            const __m256i hi = fp_requant8_avx2(_mm512_extracti64x4_epi64(acc[r], 1), mult_hi, &rq);
            fp_store16_avx2(out[r] + n0, lo, hi);
        }
    }
}
#endif
