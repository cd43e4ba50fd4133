// Register-only peak int8 MAC loops for x86 (what `facepipe bench engine` reports as the
// ceiling the conv kernels are measured against). Written in inline assembly because with
// intrinsics the compiler reassociates the chains and spills them to the stack, which
// measures the spills. Independent accumulators hide the instruction latency.
#if defined(__x86_64__)
#include "x86_requant.h"

// 12 vpdpbusd (64 uint8 x int8 MACs each) per round.
const int64_t fp_peak_macs_per_iteration_avx512vnni = 12 * 64;
// 12 vpmaddwd (16 int16 MACs each) + 12 vpaddd (the accumulation) per round.
const int64_t fp_peak_macs_per_iteration_avx2 = 12 * 16;

FP_TARGET_AVX512VNNI int64_t fp_peak_avx512vnni(int64_t iterations) {
    if (iterations <= 0) return 0;
    int64_t n = iterations;
    int32_t checksum;
    __asm__ volatile(
        "vpternlogd $0xff, %%zmm14, %%zmm14, %%zmm14\n\t"
        "vpabsb %%zmm14, %%zmm15\n\t"
#define Z(i) "vpxord %%zmm" #i ", %%zmm" #i ", %%zmm" #i "\n\t"
        Z(0) Z(1) Z(2) Z(3) Z(4) Z(5) Z(6) Z(7) Z(8) Z(9) Z(10) Z(11)
#undef Z
        "1:\n\t"
#define D(i) "vpdpbusd %%zmm14, %%zmm15, %%zmm" #i "\n\t"
        D(0) D(1) D(2) D(3) D(4) D(5) D(6) D(7) D(8) D(9) D(10) D(11)
#undef D
        "dec %[n]\n\t"
        "jnz 1b\n\t"
        "vpaddd %%zmm1, %%zmm0, %%zmm0\n\t"
        "vpaddd %%zmm11, %%zmm0, %%zmm0\n\t"
        "vmovd %%xmm0, %[sum]\n\t"
        : [n] "+r"(n), [sum] "=r"(checksum)
        :
        : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
          "xmm11", "xmm14", "xmm15", "cc");
    return checksum;
}

FP_TARGET_AVX2 int64_t fp_peak_avx2(int64_t iterations) {
    if (iterations <= 0) return 0;
    int64_t n = iterations;
    int32_t checksum;
    // 6 accumulators (ymm0-5) and 6 product registers (ymm6-11), each round twice.
    __asm__ volatile(
        "vpcmpeqd %%ymm14, %%ymm14, %%ymm14\n\t"
        "vpabsw %%ymm14, %%ymm15\n\t"
#define Z(i) "vpxor %%ymm" #i ", %%ymm" #i ", %%ymm" #i "\n\t"
        Z(0) Z(1) Z(2) Z(3) Z(4) Z(5)
#undef Z
        "1:\n\t"
#define M(p, a) "vpmaddwd %%ymm14, %%ymm15, %%ymm" #p "\n\t" "vpaddd %%ymm" #p ", %%ymm" #a ", %%ymm" #a "\n\t"
        M(6, 0) M(7, 1) M(8, 2) M(9, 3) M(10, 4) M(11, 5)
        M(6, 0) M(7, 1) M(8, 2) M(9, 3) M(10, 4) M(11, 5)
#undef M
        "dec %[n]\n\t"
        "jnz 1b\n\t"
        "vpaddd %%ymm1, %%ymm0, %%ymm0\n\t"
        "vmovd %%xmm0, %[sum]\n\t"
        : [n] "+r"(n), [sum] "=r"(checksum)
        :
        : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
          "xmm11", "xmm14", "xmm15", "cc");
    return checksum;
}
#endif
