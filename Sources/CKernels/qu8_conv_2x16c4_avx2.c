// Conv microkernel for AVX2: 2 output pixels x 16 channels. AVX2 has no u8 x s8 dot product
// that cannot saturate (vpmaddubsw saturates at int16: 255 * -128 * 2 overflows), so bytes are
// widened to int16 and multiplied with vpmaddwd, which is exact. A 64-byte weight group
// (16 channels x 4 k) widens to 4 vectors; each vpmaddwd yields two partial sums per channel
// (k 0-1 and k 2-3), folded with vphaddd at the end of the tile.
#if defined(__x86_64__)
#include "x86_requant.h"

static inline FP_TARGET_AVX2 __m256i fp_broadcast4_u8_as_i16(const uint8_t *p) {
    return _mm256_broadcastq_epi64(_mm_cvtepu8_epi16(_mm_cvtsi32_si128((int)fp_load_u32(p))));
}

// 4 accumulators (channels 0-3, 4-7, 8-11, 12-15, two partials each) -> 2 x 8 channel sums.
static inline FP_TARGET_AVX2 void fp_fold_partials(const __m256i acc[4], __m256i *c0_7, __m256i *c8_15) {
    *c0_7 = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[0], acc[1]), 0xD8);
    *c8_15 = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[2], acc[3]), 0xD8);
}

FP_TARGET_AVX2 void fp_qu8_conv_2x16c4_avx2(const fp_qu8_conv_args *a) {
    const size_t ks = a->ks, kc = a->kc, block_bytes = fp_qu8_conv_block_bytes(ks, kc);
    // A 1-pixel tile computes row 0 twice and stores it twice: cheaper than a second kernel.
    const uint8_t *const *ind0 = a->indirection;
    const uint8_t *const *ind1 = a->mr > 1 ? ind0 + ks : ind0;
    uint8_t *out0 = a->output;
    uint8_t *out1 = a->mr > 1 ? out0 + a->output_stride : out0;
    const fp_requant_avx2 rq = fp_requant_avx2_init(&a->requant);
    const uint8_t *block = (const uint8_t *)a->packed_weights;
    for (size_t n0 = 0; n0 < a->nc; n0 += FP_QU8_CONV_NR, block += block_bytes) {
        __m256i acc0[4], acc1[4];
        for (int j = 0; j < 4; j++) acc0[j] = acc1[j] = _mm256_setzero_si256();
        const int8_t *w = (const int8_t *)(block + FP_QU8_CONV_BLOCK_HEADER_BYTES);
        for (size_t t = 0; t < ks; t++) {
            const uint8_t *x0 = ind0[t], *x1 = ind1[t];
            for (size_t k = 0; k < kc; k += 4, w += 64) {
                __m256i wv[4];
                for (int j = 0; j < 4; j++) wv[j] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + 16 * j)));
                const __m256i a0 = fp_broadcast4_u8_as_i16(x0 + k);
                const __m256i a1 = fp_broadcast4_u8_as_i16(x1 + k);
                for (int j = 0; j < 4; j++) {
                    acc0[j] = _mm256_add_epi32(acc0[j], _mm256_madd_epi16(a0, wv[j]));
                    acc1[j] = _mm256_add_epi32(acc1[j], _mm256_madd_epi16(a1, wv[j]));
                }
            }
        }
        const int32_t *bias = (const int32_t *)block, *mult = bias + 32;
        const __m256i bias_lo = _mm256_loadu_si256((const __m256i *)bias);
        const __m256i bias_hi = _mm256_loadu_si256((const __m256i *)(bias + 8));
        const __m256i mult_lo = _mm256_loadu_si256((const __m256i *)mult);
        const __m256i mult_hi = _mm256_loadu_si256((const __m256i *)(mult + 8));
        __m256i lo, hi;
        fp_fold_partials(acc1, &lo, &hi);
        fp_store16_avx2(out1 + n0, fp_requant8_avx2(_mm256_add_epi32(lo, bias_lo), mult_lo, &rq),
                        fp_requant8_avx2(_mm256_add_epi32(hi, bias_hi), mult_hi, &rq));
        fp_fold_partials(acc0, &lo, &hi);
        fp_store16_avx2(out0 + n0, fp_requant8_avx2(_mm256_add_epi32(lo, bias_lo), mult_lo, &rq),
                        fp_requant8_avx2(_mm256_add_epi32(hi, bias_hi), mult_hi, &rq));
    }
}
#endif
