/// Everything one `facepipe bench engine` run measured, in the shape `--json` writes it.
/// Times are milliseconds; GOPS counts a multiply-add as two operations.
public struct BenchReport: Codable, Sendable {
    var model: String
    var modelPath: String
    var machine: MachineInfo
    var warmup: Int
    var runs: Int
    var peak: PeakReport
    /// Why an engine precision is missing from `sizes[].runs` (e.g. int8 not built yet).
    var unavailable: [String: String]
    var sizes: [SizeReport]
    var peer: PeerReport
}

struct MachineInfo: Codable, Sendable {
    var cpu: String
    var logicalCPUs: Int
    /// /proc/loadavg 1-minute load before and after the run: the machine may be shared.
    var loadBefore: Double?
    var loadAfter: Double?
}

/// The int8 multiply-add ceiling the conv layers are judged against.
struct PeakReport: Codable, Sendable {
    var isa: String
    var perThreads: [PeakMeasurement]

    func gops(threads: Int) -> Double? { perThreads.first { $0.threads == threads }?.gops }
}

struct PeakMeasurement: Codable, Sendable {
    var threads: Int
    var gops: Double
}

public struct BenchSize: Codable, Sendable, Hashable, CustomStringConvertible {
    var height: Int
    var width: Int
    public var description: String { "\(height)x\(width)" }

    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }
}

/// One input size: the plan's layers (shared by every engine) and every timing at that size.
struct SizeReport: Codable, Sendable {
    var requested: BenchSize
    var network: BenchSize
    var layers: [LayerFacts]
    var totalMacs: Int
    var runs: [EngineRun]
    var peer: [PeerResult]

    func run(_ precision: String, threads: Int) -> EngineRun? {
        runs.first { $0.precision == precision && $0.threads == threads }
    }
    func peer(_ precision: String, threads: Int) -> PeerResult? {
        peer.first { $0.precision == precision && $0.threads == threads }
    }
    /// facepipe time / ORT time for one case (below 1: facepipe is faster).
    func ratio(_ precision: String, threads: Int) -> Double? {
        guard let ours = run(precision, threads: threads), let theirs = peer(precision, threads: threads),
              theirs.medianMs > 0 else { return nil }
        return ours.medianMs / theirs.medianMs
    }
}

struct LayerFacts: Codable, Sendable, Equatable {
    var name: String
    var op: String
    var output: String
    var macs: Int
}

/// facepipe's engine at one size, precision and thread count.
struct EngineRun: Codable, Sendable {
    var precision: String
    var engine: String
    var threads: Int
    var medianMs: Double
    var p90Ms: Double
    var minMs: Double
    /// Conv MACs over the summed median conv-layer time.
    var convGOPS: Double
    var convPeakFraction: Double?
    var layers: [LayerTime]
}

struct LayerTime: Codable, Sendable {
    var name: String
    var medianMs: Double
    /// Conv layers only (the others do no multiply-adds).
    var gops: Double?
    var peakFraction: Double?
}

struct PeerReport: Codable, Sendable {
    /// "ran", "unavailable" (no onnxruntime / no python) or "failed".
    var status: String
    var detail: String?
    var onnxruntime: String?
    var onnxSource: String?
    var int8Method: String?
}

struct PeerResult: Codable, Sendable {
    var precision: String
    var threads: Int
    var medianMs: Double
    var p90Ms: Double
    var minMs: Double
}
