// Test driver for an ISA conv kernel the test host cannot run natively:
//  - the NEON dot-product kernel, cross-compiled for aarch64 and run under qemu;
//  - the AVX-512 VNNI kernel, built against vnni_emulation.h so it runs on an AVX2-only host.
// Both from Tests/EngineTests/KernelsEmulatedISATests.swift. It builds random blocked tensors
// with fixed seeds, packs weights with fp_qu8_conv_pack, runs the kernel under test and the C
// scalar twin fp_qu8_conv_1x16c4_scalar tile by tile, and compares every output byte.
// Prints "conv-kernel ok kernel=NAME cases=N bytes=M ..." and exits 0, or names the mismatch.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "CKernels.h"

#if defined(FP_TEST_VNNI)
#define KERNEL_UNDER_TEST fp_qu8_conv_8x16c4_avx512vnni
#define KERNEL_MR FP_QU8_CONV_MR_AVX512VNNI
#define KERNEL_NAME "avx512vnni-emulated"
#elif defined(__aarch64__)
#define KERNEL_UNDER_TEST fp_qu8_conv_4x16c4_neondot
#define KERNEL_MR FP_QU8_CONV_MR_NEONDOT
#define KERNEL_NAME "neondot"
#else
#error "define FP_TEST_VNNI or build for aarch64"
#endif

static uint64_t rng_state;
static uint64_t next_random(void) {   // SplitMix64
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static int random_in(int lo, int hi) { return (int)(lo + (int64_t)(next_random() % (uint64_t)((int64_t)hi - lo + 1))); }

typedef struct { int h, w, cin, cout, k, stride, pad; } shape;

// Runs one kernel over the whole output in tiles of `mr`, with tile heights cycling 1..mr
// when `ragged` so every tail size is exercised.
static void run_conv(fp_qu8_conv_fn kernel, size_t mr, int ragged, size_t pixels, size_t ks, size_t kc,
                     size_t blocks, const uint8_t **ind, const void *packed, uint8_t *out, size_t stride,
                     fp_qu8_requant rq) {
    size_t p = 0, h = 1;
    while (p < pixels) {
        size_t n = ragged ? h : mr;
        if (n > pixels - p) n = pixels - p;
        fp_qu8_conv_args a = {n, blocks * 16, kc, ks, ind + p * ks, packed, out + p * stride, stride, rq};
        kernel(&a);
        p += n;
        h = h % mr + 1;
    }
}

// `ties`: small weights and a multiplier of exactly 2^-5, so many accumulators are exact
// rounding ties (the sign handling of ties-away-from-zero is otherwise almost never hit).
static int run_case(shape s, uint64_t seed, int ragged, int ties, long *bytes) {
    rng_state = seed;
    const int oh = (s.h + 2 * s.pad - s.k) / s.stride + 1, ow = (s.w + 2 * s.pad - s.k) / s.stride + 1;
    const size_t ks = (size_t)(s.k * s.k), kc = (size_t)((s.cin + 3) & ~3);
    const size_t in_stride = (size_t)((s.cin + 15) & ~15), out_stride = (size_t)((s.cout + 15) & ~15);
    const size_t blocks = out_stride / 16, pixels = (size_t)(oh * ow);
    const int32_t zx = random_in(0, 255);
    uint8_t *input = malloc((size_t)(s.h * s.w) * in_stride), zero[64 * 16];
    for (size_t i = 0; i < (size_t)(s.h * s.w) * in_stride; i++) input[i] = (uint8_t)next_random();
    memset(zero, zx, sizeof zero);
    int8_t *w = malloc((size_t)s.cout * s.cin * ks);
    for (size_t i = 0; i < (size_t)s.cout * s.cin * ks; i++) w[i] = ties ? (int8_t)random_in(-3, 3) : (int8_t)next_random();
    int32_t *bias = malloc(sizeof(int32_t) * s.cout), *mult = malloc(sizeof(int32_t) * s.cout);
    const int big = random_in(0, 1);
    for (int i = 0; i < s.cout; i++) {
        bias[i] = ties ? random_in(-64, 64) : random_in(big ? -(1 << 28) : -(1 << 16), big ? (1 << 28) : (1 << 16));
        mult[i] = ties ? (1 << 30) : random_in(1 << 20, 0x7FFFFFFF);
    }
    // Shift so multipliers ~ 2^-10 .. 2^-20 of an accumulator: outputs spread and clamp.
    const int32_t zo = random_in(0, 255);
    fp_qu8_requant rq = {ties ? 35 : random_in(41, 52), zo, (!ties && random_in(0, 1)) ? zo : 0, 255};
    void *packed = aligned_alloc(64, blocks * fp_qu8_conv_block_bytes(ks, kc));
    fp_qu8_conv_pack((size_t)s.cout, (size_t)s.cin, (size_t)s.k, (size_t)s.k, w, bias, mult, zx, packed);
    const uint8_t **ind = malloc(sizeof(uint8_t *) * pixels * ks);
    size_t e = 0;
    for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
            for (int ky = 0; ky < s.k; ky++)
                for (int kx = 0; kx < s.k; kx++) {
                    const int iy = oy * s.stride - s.pad + ky, ix = ox * s.stride - s.pad + kx;
                    const int inside = iy >= 0 && iy < s.h && ix >= 0 && ix < s.w;
                    ind[e++] = inside ? input + (size_t)(iy * s.w + ix) * in_stride : zero;
                }
    uint8_t *expected = malloc(pixels * out_stride), *actual = malloc(pixels * out_stride);
    memset(expected, 0xA5, pixels * out_stride);
    memset(actual, 0x5A, pixels * out_stride);
    run_conv(fp_qu8_conv_1x16c4_scalar, 1, 0, pixels, ks, kc, blocks, ind, packed, expected, out_stride, rq);
    run_conv(KERNEL_UNDER_TEST, KERNEL_MR, ragged, pixels, ks, kc, blocks, ind, packed,
             actual, out_stride, rq);
    int failed = 0;
    for (size_t i = 0; i < pixels * out_stride; i++) {
        if (expected[i] != actual[i]) {
            fprintf(stderr, "mismatch " KERNEL_NAME " %dx%dx%d->%d k%d s%d p%d seed %llu: pixel %zu channel %zu: kernel %u scalar %u\n",
                    s.h, s.w, s.cin, s.cout, s.k, s.stride, s.pad, (unsigned long long)seed,
                    i / out_stride, i % out_stride, actual[i], expected[i]);
            failed = 1;
            break;
        }
    }
    *bytes += (long)(pixels * out_stride);
    free(input); free(w); free(bias); free(mult); free(packed); free(ind); free(expected); free(actual);
    return failed;
}

int main(void) {
    const shape fixed[] = {
        {1, 1, 3, 5, 1, 1, 0}, {1, 1, 3, 16, 3, 1, 1}, {7, 5, 3, 16, 3, 2, 1}, {9, 11, 5, 20, 3, 1, 1},
        {4, 6, 17, 33, 3, 1, 1}, {6, 10, 32, 16, 1, 1, 0}, {3, 13, 64, 48, 3, 2, 1}, {5, 3, 2, 7, 5, 1, 2},
        {2, 9, 1, 1, 3, 1, 1}, {8, 8, 16, 64, 3, 1, 1},
    };
    int cases = 0, failures = 0;
    long bytes = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        failures += run_case(fixed[i], 1000 + i, 0, 0, &bytes);
        failures += run_case(fixed[i], 2000 + i, 1, 0, &bytes);
        failures += run_case(fixed[i], 3000 + i, 1, 1, &bytes);
        cases += 3;
    }
    for (uint64_t seed = 1; seed <= 24; seed++) {
        rng_state = seed * 7919;
        shape s;
        s.k = (int[]){1, 3, 5}[random_in(0, 2)];
        s.pad = random_in(0, s.k / 2);
        s.h = random_in(1, 12); s.w = random_in(1, 12);
        if (s.h < s.k - 2 * s.pad) s.h = s.k - 2 * s.pad;
        if (s.w < s.k - 2 * s.pad) s.w = s.k - 2 * s.pad;
        s.cin = random_in(1, 40); s.cout = random_in(1, 70); s.stride = random_in(1, 2);
        failures += run_case(s, seed, (int)(seed & 1), (int)(seed % 3 == 0), &bytes);
        cases++;
    }
    if (failures) {
        fprintf(stderr, "conv-kernel FAILED kernel=" KERNEL_NAME " %d of %d cases\n", failures, cases);
        return 1;
    }
    printf("conv-kernel ok kernel=" KERNEL_NAME " cases=%d bytes=%ld", cases, bytes);
#if defined(__aarch64__)
    // The run-time probe must see the dot product (qemu -cpu max has it); the peak loop must run.
    printf(" dotprod=%d peak_checksum=%lld", (fp_cpu_features() & FP_CPU_NEONDOT) != 0, (long long)fp_peak_neondot(10));
#endif
    printf("\n");
    return 0;
}
