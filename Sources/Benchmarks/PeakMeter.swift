import Dispatch
import Engine
import FacepipeCore

/// Measures the int8 multiply-add peak of an ISA with 1...N threads running the register-only
/// loop at once (N copies on a shared machine need not reach N times one core's rate).
enum PeakMeter {
    /// Best of three rounds of about `seconds` each, per thread count.
    static func measure(isa: KernelISA, threads: [Int], seconds: Double) throws -> PeakReport {
        let iterations = try calibratedIterations(isa: isa, seconds: seconds)
        var measurements: [PeakMeasurement] = []
        for count in Set(threads).sorted() {
            var best = 0.0
            for _ in 0..<3 { best = max(best, try concurrentRate(isa: isa, threads: count, iterations: iterations)) }
            measurements.append(PeakMeasurement(threads: count, gops: 2 * best / 1e9))
        }
        return PeakReport(isa: isa.rawValue, perThreads: measurements)
    }

    /// Iterations one thread needs for about `seconds`, grown from a short probe.
    private static func calibratedIterations(isa: KernelISA, seconds: Double) throws -> Int64 {
        var iterations: Int64 = 1 << 12
        while true {
            let result = try KernelBenchmark.peak(isa: isa, iterations: iterations)
            if result.seconds >= min(0.02, seconds) || iterations >= 1 << 40 {
                return max(1, Int64(Double(iterations) * seconds / result.seconds))
            }
            iterations *= 4
        }
    }

    /// Multiply-adds per second of `threads` loops started together, over the wall time of all.
    private static func concurrentRate(isa: KernelISA, threads: Int, iterations: Int64) throws -> Double {
        let results = ResultSlots(count: threads)
        let start = monotonicNanoseconds()
        DispatchQueue.concurrentPerform(iterations: threads) { i in
            results.store(i, Result { try KernelBenchmark.peak(isa: isa, iterations: iterations) })
        }
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        var macs: Int64 = 0
        for i in 0..<threads { macs += try results.load(i).get().multiplyAccumulates }
        return Double(macs) / max(seconds, 1e-9)
    }
}

/// One result slot per worker in raw memory: each slot is written by one thread and read after
/// all have joined (a Swift array would trip the exclusivity check on concurrent writes).
private final class ResultSlots: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Result<KernelBenchmark.PeakResult, Error>?>
    private let count: Int
    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }
    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
    func store(_ i: Int, _ value: Result<KernelBenchmark.PeakResult, Error>) { slots[i] = value }
    func load(_ i: Int) -> Result<KernelBenchmark.PeakResult, Error> { slots[i]! }
}
