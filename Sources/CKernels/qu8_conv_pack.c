// Weight packing for the conv microkernels, done once at model load (see CKernels.h for the
// block format). The zero-point correction is folded into the bias here so no kernel ever
// subtracts the input zero point in its inner loop.
#include <string.h>
#include "CKernels.h"

void fp_qu8_conv_pack(size_t cout, size_t cin, size_t kh, size_t kw, const int8_t *w_oihw,
                      const int32_t *bias, const int32_t *multiplier, int32_t input_zero_point,
                      void *out) {
    const size_t ks = kh * kw, kc = (cin + 3) & ~(size_t)3;
    const size_t blocks = (cout + FP_QU8_CONV_NR - 1) / FP_QU8_CONV_NR;
    uint8_t *block = (uint8_t *)out;
    for (size_t b = 0; b < blocks; b++) {
        int32_t *hdr_bias = (int32_t *)block, *hdr_wsum = hdr_bias + 16, *hdr_mult = hdr_bias + 32;
        int8_t *packed = (int8_t *)(block + FP_QU8_CONV_BLOCK_HEADER_BYTES);
        memset(block, 0, fp_qu8_conv_block_bytes(ks, kc));
        for (size_t n = 0; n < FP_QU8_CONV_NR; n++) {
            const size_t oc = b * FP_QU8_CONV_NR + n;
            if (oc >= cout) break;
            int32_t wsum = 0;
            for (size_t t = 0; t < ks; t++) {
                for (size_t ic = 0; ic < cin; ic++) {
                    const int8_t v = w_oihw[(oc * cin + ic) * ks + t];
                    packed[((t * (kc / 4) + ic / 4) * FP_QU8_CONV_NR + n) * 4 + ic % 4] = v;
                    wsum += v;
                }
            }
            hdr_bias[n] = bias[oc] - input_zero_point * wsum;
            hdr_wsum[n] = 128 * wsum;
            hdr_mult[n] = multiplier[oc];
        }
        block += fp_qu8_conv_block_bytes(ks, kc);
    }
}
