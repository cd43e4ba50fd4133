import Foundation
import Testing
import TestSupport

/// The NEON dot-product conv kernel, cross-compiled for aarch64 and run under qemu on x86
/// hosts: Tests/NEON/neon_conv_test.c compares it bit for bit with the C scalar twin
/// (which KernelsConvTests ties to the portable Swift kernel and the naive convolution).
/// Needs gcc-aarch64-linux-gnu and qemu-user-static (Tools/setup.sh installs both).
@Suite struct KernelsNEONTests {
    static let kernelSources = ["qu8_conv_4x16c4_neondot.c", "qu8_conv_1x16c4_scalar.c", "qu8_conv_pack.c", "cpu_features.c"]

    @Test func neonDotKernelMatchesScalarTwinUnderQemu() throws {
        let scratch = try TestPaths.scratch("neon-kernels")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let binary = scratch.appendingPathComponent("neon_conv_test").path
        let cKernels = TestPaths.repo("Sources/CKernels")
        try runTool("aarch64-linux-gnu-gcc", ["-O2", "-Wall", "-Werror", "-march=armv8.2-a+dotprod", "-static",
                                              "-I", cKernels.appendingPathComponent("include").path,
                                              TestPaths.repo("Tests/NEON/neon_conv_test.c").path]
                    + Self.kernelSources.map { cKernels.appendingPathComponent($0).path } + ["-o", binary])
        let result = try runTool("qemu-aarch64-static", ["-cpu", "max", binary], check: false)
        #expect(result.status == 0, "\(result.stderr)")
        // 44 cases, the CPU-feature probe must see dot product under -cpu max.
        #expect(result.stdout.contains("neon-conv ok cases=44"), "\(result.stdout)")
        #expect(result.stdout.contains("dotprod=1"), "\(result.stdout)")
    }
}
