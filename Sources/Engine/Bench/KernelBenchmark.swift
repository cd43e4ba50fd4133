import Dispatch

/// Register-only peak int8 multiply-accumulate rate of an ISA on one core: the ceiling the
/// conv kernels are judged against in `facepipe bench engine`.
public enum KernelBenchmark {
    public struct PeakResult: Sendable {
        public let isa: KernelISA
        public let multiplyAccumulates: Int64
        public let seconds: Double
        var macsPerSecond: Double { Double(multiplyAccumulates) / seconds }
    }

    /// Runs `iterations` rounds of the ISA's register-only loop (throws if the CPU lacks it).
    public static func peak(isa: KernelISA, iterations: Int64) throws -> PeakResult {
        let table = try KernelTable(isa: isa)
        let start = DispatchTime.now().uptimeNanoseconds
        let checksum = table.peak.function(iterations)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        blackHole(checksum)
        return PeakResult(isa: isa, multiplyAccumulates: iterations * table.peak.macsPerIteration, seconds: max(seconds, 1e-9))
    }

    @inline(never)
    private static func blackHole(_ value: Int64) { _ = value }
}
