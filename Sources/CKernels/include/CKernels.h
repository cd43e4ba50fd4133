// facepipe int8 microkernels in C: one function per tile shape and ISA (XNNPACK-style names
// `fp_<datatype>_<op>_<MR>x<NR>c<K-group>_<isa>`). Operators never see intrinsics; they call
// these through Engine/Kernels/KernelTable.swift, which picks one set at start-up.
//
// Data types: activations are uint8 with a per-tensor zero point (asymmetric); weights are
// int8, symmetric, one scale per output channel; accumulation is int32. uint8 x int8 is the
// operand order of x86's vpdpbusd, so x86 needs no conversion; NEON's sdot is int8 x int8, so
// the NEON kernel flips activations to int8 (x ^ 0x80 == x - 128) and adds 128 * sum(w) back.
#ifndef FACEPIPE_CKERNELS_H
#define FACEPIPE_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// ---------------------------------------------------------------------------------------------
// Requantisation (fixed point, exact). For an int32 accumulator `acc` of output channel c:
//   p   = (int64) acc * multiplier[c]                     0 <= multiplier < 2^31
//   r   = (p + 2^(shift-1) - (p < 0 ? 1 : 0)) >> shift    arithmetic shift, 32 <= shift <= 62
//         (= p / 2^shift rounded to nearest, ties away from zero)
//   out = clamp(r, output_min - zero_point, output_max - zero_point) + zero_point
// The real scale is multiplier * 2^-shift (< 0.5 since shift >= 32). |r| < 2^31 always, so
// every ISA can narrow to int32 before clamping; shift >= 32 lets AVX2 (no 64-bit arithmetic
// shift) take the high dword of p and finish with a 32-bit arithmetic shift by shift - 32.
// One shift per layer, one multiplier per channel: channels with smaller scales keep
// log2(multiplier) >= 31 - log2(max scale / their scale) bits of precision.
// ReLU is the clamp: output_min = zero_point.
typedef struct fp_qu8_requant {
    int32_t shift;
    int32_t output_zero_point;
    int32_t output_min;
    int32_t output_max;
} fp_qu8_requant;

// ---------------------------------------------------------------------------------------------
// Convolution as indirect GEMM (XNNPACK's "igemm"): a tile of MR output pixels x 16 output
// channels reads, for each pixel, `ks` input pixel pointers (one per kernel tap) from an
// indirection buffer, and `kc` bytes of channels at each. Input activations are channel-blocked
// NHWC: every pixel holds Cp = roundup(C, 16) bytes, so kc = roundup(C, 4) <= Cp never reads past
// a pixel. Taps that fall in the zero padding point at a buffer of >= kc bytes filled with the
// input zero point, which contributes exactly 0 after the bias correction below.
#define FP_QU8_CONV_NR 16
#define FP_QU8_CONV_KGROUP 4
// Packed weights: one block per 16 output channels (channels >= Cout are zero weights, bias 0,
// multiplier 0), blocks back to back, each 64-byte aligned if the buffer is:
//   int32 bias[16]        bias_q[c] - input_zero_point * sum_k w[c][k]
//   int32 wsum128[16]     128 * sum_k w[c][k]          (used by the NEON kernel only)
//   int32 multiplier[16]  requantisation multipliers
//   int8  w[ks][kc / 4][16][4]                         w[tap][group][channel][k % 4]
#define FP_QU8_CONV_BLOCK_HEADER_BYTES 192
static inline size_t fp_qu8_conv_block_bytes(size_t ks, size_t kc) {
    return FP_QU8_CONV_BLOCK_HEADER_BYTES + ks * kc * FP_QU8_CONV_NR;
}

typedef struct fp_qu8_conv_args {
    size_t mr;                           // output pixels in this tile, 1 ... kernel MR
    size_t nc;                           // output channels to write, a multiple of 16
    size_t kc;                           // bytes read per tap, a multiple of 4
    size_t ks;                           // taps per output pixel (kh * kw)
    const uint8_t *const *indirection;   // [mr][ks] input pixel pointers, pixel-major
    const void *packed_weights;          // first 16-channel block to use
    uint8_t *output;                     // first output pixel of the tile, channel 0
    size_t output_stride;                // bytes between consecutive output pixels
    fp_qu8_requant requant;
} fp_qu8_conv_args;

typedef void (*fp_qu8_conv_fn)(const fp_qu8_conv_args *args);

// Packs OIHW int8 weights (w[oc][ic][ky][kx], ic = Cin) into the block format above.
// `out` must hold roundup(cout, 16) / 16 * fp_qu8_conv_block_bytes(kh * kw, roundup(cin, 4)) bytes.
void fp_qu8_conv_pack(size_t cout, size_t cin, size_t kh, size_t kw, const int8_t *w_oihw,
                      const int32_t *bias, const int32_t *multiplier, int32_t input_zero_point,
                      void *out);

// The C scalar twin (the reference the ISA kernels are tested against, also under qemu).
#define FP_QU8_CONV_MR_SCALAR 1
void fp_qu8_conv_1x16c4_scalar(const fp_qu8_conv_args *args);
uint8_t fp_qu8_requant_scalar(int32_t acc, int32_t multiplier, const fp_qu8_requant *requant);

#if defined(__x86_64__) || defined(_M_X64)
#define FP_QU8_CONV_MR_AVX2 2
#define FP_QU8_CONV_MR_AVX512VNNI 8
void fp_qu8_conv_2x16c4_avx2(const fp_qu8_conv_args *args);
void fp_qu8_conv_8x16c4_avx512vnni(const fp_qu8_conv_args *args);
// Register-only peak loops: run `iterations` rounds, return a checksum (so nothing is elided).
// MACs done = iterations * fp_peak_macs_per_iteration_<isa>.
extern const int64_t fp_peak_macs_per_iteration_avx2;
extern const int64_t fp_peak_macs_per_iteration_avx512vnni;
int64_t fp_peak_avx2(int64_t iterations);
int64_t fp_peak_avx512vnni(int64_t iterations);
#endif

#if defined(__aarch64__)
#define FP_QU8_CONV_MR_NEONDOT 4
void fp_qu8_conv_4x16c4_neondot(const fp_qu8_conv_args *args);
extern const int64_t fp_peak_macs_per_iteration_neondot;
int64_t fp_peak_neondot(int64_t iterations);
#endif

// CPU features, from cpuid + xgetbv on x86 (OS must save the wide registers) and
// getauxval(AT_HWCAP) on Linux/aarch64.
enum {
    FP_CPU_AVX2 = 1 << 0,          // AVX2 + FMA-era integer ops, OS saves ymm
    FP_CPU_AVX512VNNI = 1 << 1,    // AVX-512 F + BW + VNNI, OS saves zmm and mask registers
    FP_CPU_NEONDOT = 1 << 2,       // ARMv8.2 dot product (sdot/udot)
};
uint32_t fp_cpu_features(void);

#ifdef __cplusplus
}
#endif
#endif
