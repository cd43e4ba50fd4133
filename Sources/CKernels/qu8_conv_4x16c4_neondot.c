// Conv microkernel for ARMv8.2 dot product: 4 output pixels x 16 channels. sdot multiplies
// int8 by int8 only, so activations are flipped to int8 (x ^ 0x80 == x - 128) as they are
// broadcast and the accumulators start at bias + 128 * sum(w), which restores sum(x * w).
// Compiled with a per-function target so the rest of the library stays ARMv8.0 (Jetson Nano).
#if defined(__aarch64__)
#include <arm_neon.h>
#include <string.h>
#include "CKernels.h"

#if defined(__clang__)
#define FP_TARGET_DOTPROD __attribute__((target("dotprod")))
#else
#define FP_TARGET_DOTPROD __attribute__((target("arch=armv8.2-a+dotprod")))
#endif

#define MR FP_QU8_CONV_MR_NEONDOT

static inline int8x16_t fp_broadcast4_flipped(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return vreinterpretq_s8_u8(veorq_u8(vreinterpretq_u8_u32(vdupq_n_u32(v)), vdupq_n_u8(0x80)));
}

// Same arithmetic as fp_qu8_requant_scalar: 64-bit products, ties away from zero.
static inline int32x4_t fp_requant4_neon(int32x4_t acc, int32x4_t mult, int64x2_t rounding,
                                         int64x2_t neg_shift, int32x4_t lo, int32x4_t hi) {
    int64x2_t p0 = vmull_s32(vget_low_s32(acc), vget_low_s32(mult));
    int64x2_t p1 = vmull_high_s32(acc, mult);
    p0 = vaddq_s64(vaddq_s64(p0, rounding), vshrq_n_s64(p0, 63));
    p1 = vaddq_s64(vaddq_s64(p1, rounding), vshrq_n_s64(p1, 63));
    const int32x4_t r = vcombine_s32(vmovn_s64(vshlq_s64(p0, neg_shift)), vmovn_s64(vshlq_s64(p1, neg_shift)));
    return vminq_s32(vmaxq_s32(r, lo), hi);
}

FP_TARGET_DOTPROD void fp_qu8_conv_4x16c4_neondot(const fp_qu8_conv_args *a) {
    const size_t ks = a->ks, kc = a->kc, block_bytes = fp_qu8_conv_block_bytes(ks, kc);
    const uint8_t *const *ind[MR];
    uint8_t *out[MR];
    for (size_t r = 0; r < MR; r++) {
        const size_t rr = r < a->mr ? r : a->mr - 1;   // extra rows repeat the last real one
        ind[r] = a->indirection + rr * ks;
        out[r] = a->output + rr * a->output_stride;
    }
    const fp_qu8_requant *q = &a->requant;
    const int64x2_t rounding = vdupq_n_s64((int64_t)1 << (q->shift - 1));
    const int64x2_t neg_shift = vdupq_n_s64(-(int64_t)q->shift);
    const int32x4_t lo = vdupq_n_s32(q->output_min - q->output_zero_point);
    const int32x4_t hi = vdupq_n_s32(q->output_max - q->output_zero_point);
    const int32x4_t zp = vdupq_n_s32(q->output_zero_point);
    const uint8_t *block = (const uint8_t *)a->packed_weights;
    for (size_t n0 = 0; n0 < a->nc; n0 += FP_QU8_CONV_NR, block += block_bytes) {
        const int32_t *bias = (const int32_t *)block, *wsum128 = bias + 16, *mult = bias + 32;
        int32x4_t acc[MR][4];
        for (int j = 0; j < 4; j++) {
            const int32x4_t init = vaddq_s32(vld1q_s32(bias + 4 * j), vld1q_s32(wsum128 + 4 * j));
            for (int r = 0; r < MR; r++) acc[r][j] = init;
        }
        const int8_t *w = (const int8_t *)(block + FP_QU8_CONV_BLOCK_HEADER_BYTES);
        for (size_t t = 0; t < ks; t++) {
            const uint8_t *x[MR];
            for (int r = 0; r < MR; r++) x[r] = ind[r][t];
            for (size_t k = 0; k < kc; k += 4, w += 64) {
                const int8x16_t w0 = vld1q_s8(w), w1 = vld1q_s8(w + 16), w2 = vld1q_s8(w + 32), w3 = vld1q_s8(w + 48);
                for (int r = 0; r < MR; r++) {
                    const int8x16_t xv = fp_broadcast4_flipped(x[r] + k);
                    acc[r][0] = vdotq_s32(acc[r][0], w0, xv);
                    acc[r][1] = vdotq_s32(acc[r][1], w1, xv);
                    acc[r][2] = vdotq_s32(acc[r][2], w2, xv);
                    acc[r][3] = vdotq_s32(acc[r][3], w3, xv);
                }
            }
        }
        int32x4_t m[4];
        for (int j = 0; j < 4; j++) m[j] = vld1q_s32(mult + 4 * j);
        for (int r = 0; r < MR; r++) {
            int32x4_t v[4];
            for (int j = 0; j < 4; j++) v[j] = vaddq_s32(fp_requant4_neon(acc[r][j], m[j], rounding, neg_shift, lo, hi), zp);
            const int16x8_t h0 = vcombine_s16(vqmovn_s32(v[0]), vqmovn_s32(v[1]));
            const int16x8_t h1 = vcombine_s16(vqmovn_s32(v[2]), vqmovn_s32(v[3]));
            vst1q_u8(out[r] + n0, vcombine_u8(vqmovun_s16(h0), vqmovun_s16(h1)));
        }
    }
}

// Register-only peak: 16 independent sdot chains (16 MACs each) per round.
const int64_t fp_peak_macs_per_iteration_neondot = 16 * 16 * 4;

FP_TARGET_DOTPROD int64_t fp_peak_neondot(int64_t iterations) {
    int32x4_t acc[16];
    for (int i = 0; i < 16; i++) acc[i] = vdupq_n_s32(i);
    const int8x16_t a = vdupq_n_s8(3), b = vdupq_n_s8(-2);
    for (int64_t it = 0; it < iterations; it++) {
        for (int rep = 0; rep < 4; rep++) {
            for (int i = 0; i < 16; i++) acc[i] = vdotq_s32(acc[i], a, b);
            __asm__ volatile("" : "+w"(acc[0]), "+w"(acc[1]), "+w"(acc[2]), "+w"(acc[3]));
        }
    }
    int32x4_t s = acc[0];
    for (int i = 1; i < 16; i++) s = vaddq_s32(s, acc[i]);
    return vaddvq_s32(s);
}
#endif
