// Which ISA kernels this CPU (and OS) can run. Asked once by KernelTable at start-up.
#include "CKernels.h"

#if defined(__x86_64__)
#include <cpuid.h>

static uint64_t read_xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

uint32_t fp_cpu_features(void) {
    uint32_t eax, ebx, ecx, edx, features = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
    if (!osxsave || !avx) return 0;
    const uint64_t xcr0 = read_xcr0();
    const int ymm_saved = (xcr0 & 0x6) == 0x6;          // SSE + AVX state
    const int zmm_saved = (xcr0 & 0xE6) == 0xE6;        // + opmask, ZMM_Hi256, Hi16_ZMM
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    const int avx2 = (ebx >> 5) & 1;
    const int avx512f = (ebx >> 16) & 1, avx512bw = (ebx >> 30) & 1, vnni = (ecx >> 11) & 1;
    if (ymm_saved && avx2) features |= FP_CPU_AVX2;
    if (zmm_saved && avx512f && avx512bw && vnni) features |= FP_CPU_AVX512VNNI;
    return features;
}

#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif

uint32_t fp_cpu_features(void) {
    return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) ? FP_CPU_NEONDOT : 0;
}

#else
uint32_t fp_cpu_features(void) { return 0; }
#endif
