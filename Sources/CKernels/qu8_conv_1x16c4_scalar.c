// The C scalar twin of every conv microkernel: plain int32/int64 arithmetic, one output
// pixel at a time. It defines the results the ISA kernels must reproduce bit for bit.
#include "CKernels.h"

uint8_t fp_qu8_requant_scalar(int32_t acc, int32_t multiplier, const fp_qu8_requant *rq) {
    const int64_t p = (int64_t)acc * multiplier;
    const int64_t rounding = ((int64_t)1 << (rq->shift - 1)) - (p < 0);
    int64_t r = (p + rounding) >> rq->shift;
    const int64_t lo = rq->output_min - rq->output_zero_point;
    const int64_t hi = rq->output_max - rq->output_zero_point;
    r = r < lo ? lo : (r > hi ? hi : r);
    return (uint8_t)(r + rq->output_zero_point);
}

void fp_qu8_conv_1x16c4_scalar(const fp_qu8_conv_args *a) {
    const size_t block_bytes = fp_qu8_conv_block_bytes(a->ks, a->kc);
    for (size_t m = 0; m < a->mr; m++) {
        const uint8_t *const *rows = a->indirection + m * a->ks;
        const uint8_t *block = (const uint8_t *)a->packed_weights;
        uint8_t *out = a->output + m * a->output_stride;
        for (size_t n0 = 0; n0 < a->nc; n0 += FP_QU8_CONV_NR, block += block_bytes) {
            const int32_t *bias = (const int32_t *)block, *mult = bias + 32;
            const int8_t *w = (const int8_t *)(block + FP_QU8_CONV_BLOCK_HEADER_BYTES);
            int32_t acc[FP_QU8_CONV_NR];
            for (size_t n = 0; n < FP_QU8_CONV_NR; n++) acc[n] = bias[n];
            for (size_t t = 0; t < a->ks; t++) {
                const uint8_t *x = rows[t];
                for (size_t k = 0; k < a->kc; k += 4, w += 64) {
                    for (size_t n = 0; n < FP_QU8_CONV_NR; n++) {
                        for (size_t j = 0; j < 4; j++) acc[n] += (int32_t)x[k + j] * w[n * 4 + j];
                    }
                }
            }
            for (size_t n = 0; n < FP_QU8_CONV_NR; n++) {
                out[n0 + n] = fp_qu8_requant_scalar(acc[n], mult[n], &a->requant);
            }
        }
    }
}
