import Foundation
import Testing
import TestSupport
@testable import Engine

/// The ISA conv kernels this x86 test host cannot run natively, checked by the C driver
/// Tests/EmulatedISA/conv_kernel_test.c bit for bit against the C scalar twin (which KernelsConvTests
/// ties to the portable Swift kernel and to a naive convolution):
///  - NEON dot product: cross-compiled for aarch64 and run under qemu (-cpu max has dotprod);
///  - AVX-512 VNNI: the shipped kernel source compiled with Tests/EmulatedISA/vnni_emulation.h, which
///    swaps its five AVX-512 intrinsics for plain C so it runs on AVX2-only machines.
/// Needs gcc, gcc-aarch64-linux-gnu and qemu-user-static (Tools/setup.sh installs them).
@Suite struct KernelsEmulatedISATests {
    static let cKernels = TestPaths.repo("Sources/CKernels")
    static let driver = TestPaths.repo("Tests/EmulatedISA/conv_kernel_test.c").path
    static let commonSources = ["qu8_conv_1x16c4_scalar.c", "qu8_conv_pack.c", "cpu_features.c"]

    static func sources(_ kernel: String) -> [String] {
        [driver] + ([kernel] + commonSources).map { cKernels.appendingPathComponent($0).path }
    }

    @Test(.enabled(if: isX86Host, "native NEON kernels are tested by KernelsConvTests on ARM"))
    func neonDotKernelMatchesScalarTwinUnderQemu() throws {
        let scratch = try TestPaths.scratch("neon-kernels")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let binary = scratch.appendingPathComponent("conv_kernel_test").path
        try runTool("aarch64-linux-gnu-gcc", ["-O2", "-Wall", "-Werror", "-march=armv8.2-a+dotprod", "-static",
                                              "-I", Self.cKernels.appendingPathComponent("include").path]
                    + Self.sources("qu8_conv_4x16c4_neondot.c") + ["-o", binary])
        let result = try runTool("qemu-aarch64-static", ["-cpu", "max", binary], check: false)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("conv-kernel ok kernel=neondot cases=54"), "\(result.stdout)")
        #expect(result.stdout.contains("dotprod=1"), "the run-time probe must find the dot product: \(result.stdout)")
    }

    @Test(.enabled(if: isX86Host && hasAVX2, "needs an x86 host with AVX2"))
    func vnniKernelMatchesScalarTwinWithEmulatedIntrinsics() throws {
        let scratch = try TestPaths.scratch("vnni-kernels")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let binary = scratch.appendingPathComponent("conv_kernel_test").path
        try runTool("gcc", ["-O2", "-Wall", "-Werror", "-DFP_TEST_VNNI",
                            "-include", TestPaths.repo("Tests/EmulatedISA/vnni_emulation.h").path,
                            "-I", Self.cKernels.appendingPathComponent("include").path, "-I", Self.cKernels.path]
                    + Self.sources("qu8_conv_8x16c4_avx512vnni.c") + ["-o", binary])
        let result = try runTool(binary, [], check: false)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("conv-kernel ok kernel=avx512vnni-emulated cases=54"), "\(result.stdout)")
    }
}

#if arch(x86_64)
let isX86Host = true
#else
let isX86Host = false
#endif

let hasAVX2 = KernelISA.available.contains(.avx2)
