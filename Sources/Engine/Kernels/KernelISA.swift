import CKernels

/// The instruction sets the int8 kernels come in. `portable` is Swift that LLVM vectorises
/// for whatever CPU the build targets; the others are the C kernels of CKernels.
public enum KernelISA: String, CaseIterable, Sendable, CustomStringConvertible {
    case portable
    /// x86 AVX2: bytes widened to int16, vpmaddwd.
    case avx2
    /// x86 AVX-512 F+BW+VNNI: vpdpbusd.
    case vnni
    /// ARMv8.2 dot product: sdot.
    case neon

    public var description: String { rawValue }

    /// The ISAs this CPU and OS can run, best last.
    public static var available: [KernelISA] {
        let features = fp_cpu_features()
        var list: [KernelISA] = [.portable]
        if features & UInt32(FP_CPU_AVX2) != 0 { list.append(.avx2) }
        if features & UInt32(FP_CPU_AVX512VNNI) != 0 { list.append(.vnni) }
        if features & UInt32(FP_CPU_NEONDOT) != 0 { list.append(.neon) }
        return list
    }

    /// The ISA the engine uses in this process: FACEPIPE_ISA if set, else the best available.
    /// Throws KernelSelectionError for a bad FACEPIPE_ISA (call it early to fail fast).
    public static func selected() throws -> KernelISA { try KernelTable.current().isa }
}

/// FACEPIPE_ISA names an unknown ISA or one this machine cannot run.
enum KernelSelectionError: Error, CustomStringConvertible, Equatable {
    case unknown(String)
    case unavailable(KernelISA, available: [KernelISA])

    public var description: String {
        let names = KernelISA.allCases.map(\.rawValue).joined(separator: "|")
        switch self {
        case .unknown(let value):
            return "FACEPIPE_ISA=\(value) is not one of \(names)"
        case .unavailable(let isa, let available):
            return "FACEPIPE_ISA=\(isa) is not supported by this CPU (available: "
                + available.map(\.rawValue).joined(separator: ", ") + ")"
        }
    }
}
