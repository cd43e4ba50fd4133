import CKernels
import Foundation

/// The microkernels the operators call, chosen once from the CPU's features (or forced with
/// FACEPIPE_ISA=portable|avx2|vnni|neon). Only the conv microkernel has ISA versions: it is
/// where nearly all the time goes. Pooling, upsampling, add and concat are
/// memory-bound byte loops that the portable Swift kernels already vectorise well. The peak
/// loop rides along so the bench measures each ISA's ceiling from this one switch.
struct KernelTable: Sendable {
    let isa: KernelISA
    let conv: ConvMicrokernel
    let peak: PeakMicrokernel

    /// The table for `isa`, or an error if this machine cannot run it.
    init(isa: KernelISA) throws {
        let available = KernelISA.available
        guard available.contains(isa) else { throw KernelSelectionError.unavailable(isa, available: available) }
        self.isa = isa
        switch isa {
        case .portable:
            conv = ConvMicrokernel(name: "qu8_conv_4x16c4_swift", mr: PortableConv.mr, function: PortableConv.function)
            peak = PeakMicrokernel(macsPerIteration: PortablePeak.macsPerIteration, function: PortablePeak.function)
        case .avx2:
            #if arch(x86_64)
            conv = ConvMicrokernel(name: "qu8_conv_2x16c4_avx2", mr: Int(FP_QU8_CONV_MR_AVX2), function: fp_qu8_conv_2x16c4_avx2)
            peak = PeakMicrokernel(macsPerIteration: fp_peak_macs_per_iteration_avx2, function: fp_peak_avx2)
            #else
            throw KernelSelectionError.unavailable(isa, available: available)
            #endif
        case .vnni:
            #if arch(x86_64)
            conv = ConvMicrokernel(name: "qu8_conv_8x16c4_avx512vnni", mr: Int(FP_QU8_CONV_MR_AVX512VNNI),
                                   function: fp_qu8_conv_8x16c4_avx512vnni)
            peak = PeakMicrokernel(macsPerIteration: fp_peak_macs_per_iteration_avx512vnni, function: fp_peak_avx512vnni)
            #else
            throw KernelSelectionError.unavailable(isa, available: available)
            #endif
        case .neon:
            #if arch(arm64)
            conv = ConvMicrokernel(name: "qu8_conv_4x16c4_neondot", mr: Int(FP_QU8_CONV_MR_NEONDOT),
                                   function: fp_qu8_conv_4x16c4_neondot)
            peak = PeakMicrokernel(macsPerIteration: fp_peak_macs_per_iteration_neondot, function: fp_peak_neondot)
            #else
            throw KernelSelectionError.unavailable(isa, available: available)
            #endif
        }
    }

    /// FACEPIPE_ISA if set (and runnable), else the best ISA of this machine.
    static func select(environment: [String: String]) throws -> KernelTable {
        if let name = environment["FACEPIPE_ISA"], !name.isEmpty {
            guard let isa = KernelISA(rawValue: name.lowercased()) else { throw KernelSelectionError.unknown(name) }
            return try KernelTable(isa: isa)
        }
        return try KernelTable(isa: KernelISA.available.last ?? .portable)
    }

    /// Filled once, the first time an operator asks (Swift globals initialise exactly once).
    private static let processTable = Result { try select(environment: ProcessInfo.processInfo.environment) }

    /// The process-wide table; throws the FACEPIPE_ISA error if the variable is bad.
    static func current() throws -> KernelTable { try processTable.get() }
}
