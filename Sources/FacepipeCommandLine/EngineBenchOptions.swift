import ArgumentParser
import Benchmarks
import FacepipeKit
import Foundation

/// `facepipe bench engine`'s command line, checked, and the `EngineBench.Settings` it asks
/// Benchmarks for (or the saved report it asks to print).
public struct EngineBenchOptions: ParsableArguments {
    @Option(help: "Model folder (model.yaml + weights.safetensors).")
    var model = "Configs/models/ssh-lite"

    @Option(help: "Network input sizes HEIGHTxWIDTH, comma-separated.")
    var sizes = "400x800,320x640,200x400"

    @Option(help: "Thread counts, comma-separated.")
    var threads = "1,2"

    @Option(help: "Timed runs per case (median and p90 of these).")
    var runs = 20

    @Option(help: "Untimed runs before each case.")
    var warmup = 3

    @Option(help: "Seconds per int8 peak measurement round (best of three).")
    var peakSeconds = 0.3

    @Option(help: "Python for the ONNX Runtime peer (default: FACEPIPE_PYTHON, else .venv/bin/python).")
    var python: String?

    @Option(help: "How the peer makes its int8 model: auto (dynamic, static QDQ where ORT lacks dynamic convs), dynamic, static.")
    var ortInt8 = "auto"

    @Flag(help: "Skip the ONNX Runtime peer.")
    var noPeer = false

    @Flag(help: "Print the results as one JSON document.")
    var json = false

    @Flag(help: "Print a short Markdown summary (for the README's performance section).")
    var markdown = false

    @Option(help: "Print a report saved by --json instead of measuring (e.g. as --markdown).")
    public var load: String?

    public init() {}

    public func validate() throws {
        do {
            _ = try BenchArguments.sizes(sizes)
            _ = try BenchArguments.threads(threads)
        } catch let invalid as BenchArguments.Invalid {
            throw ValidationError(invalid.description)
        }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
        guard peakSeconds > 0 else { throw ValidationError("--peak-seconds must be positive") }
        guard ["auto", "dynamic", "static"].contains(ortInt8) else {
            throw ValidationError("--ort-int8 must be auto, dynamic or static, not '\(ortInt8)'")
        }
        guard !(json && markdown) else { throw ValidationError("give --json or --markdown, not both") }
    }

    /// How the report is printed.
    public var format: BenchReportFormat { json ? .json : markdown ? .markdown : .text }

    /// What to measure; `environment` supplies FACEPIPE_PYTHON when --python is not given.
    public func settings(environment: [String: String] = ProcessInfo.processInfo.environment,
                         progress: @escaping (String) -> Void) throws -> EngineBench.Settings {
        let modelDirectory = Resources.resolve(model)
        return EngineBench.Settings(
            modelDirectory: modelDirectory, sizes: try BenchArguments.sizes(sizes), threads: try BenchArguments.threads(threads),
            warmup: warmup, runs: runs, peakSeconds: peakSeconds,
            peer: noPeer ? nil : ORTPeer(python: pythonPath(environment), script: Resources.resolve("Tools/bench_ort.py"),
                                        modelDirectory: modelDirectory, int8Mode: ortInt8),
            progress: progress)
    }

    func pythonPath(_ environment: [String: String]) -> String {
        if let python { return python }
        if let env = environment["FACEPIPE_PYTHON"], !env.isEmpty { return env }
        return Resources.resolve(".venv/bin/python")
    }
}
