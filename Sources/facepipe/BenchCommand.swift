import ArgumentParser
import Foundation

/// `facepipe bench ...`: measurements, not the pipeline. Output is a report on stdout, not
/// the event stream.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks.", subcommands: [EngineBenchCommand.self])
}

/// `facepipe bench engine`: per-layer times and ms/frame of the detector network against the
/// int8 multiply-add peak and against ONNX Runtime on the same machine, in the same run.
struct EngineBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Time the detector network (fp32, int8) per layer and per frame, against the int8 peak and ONNX Runtime.",
        discussion: """
            Sizes are network inputs HEIGHTxWIDTH, padded to the model's pad_multiple (400x800 runs at 416x800).
            The ONNX Runtime peer is Tools/bench_ort.py, run with the repository's .venv python.
            Examples:
              facepipe bench engine
              facepipe bench engine --sizes 400x800 --threads 1 --runs 50
              facepipe bench engine --markdown > perf.md
            """)

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
    var load: String?

    func validate() throws {
        _ = try parsedSizes()
        _ = try parsedThreads()
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
        guard peakSeconds > 0 else { throw ValidationError("--peak-seconds must be positive") }
        guard ["auto", "dynamic", "static"].contains(ortInt8) else {
            throw ValidationError("--ort-int8 must be auto, dynamic or static, not '\(ortInt8)'")
        }
        guard !(json && markdown) else { throw ValidationError("give --json or --markdown, not both") }
    }

    func run() throws {
        if let load {
            print(try render(try savedReport(load)))
            return
        }
        let modelDirectory = Resources.resolve(model)
        let settings = EngineBench.Settings(
            modelDirectory: modelDirectory, sizes: try parsedSizes(), threads: try parsedThreads(),
            warmup: warmup, runs: runs, peakSeconds: peakSeconds,
            peer: noPeer ? nil : ORTPeer(python: pythonPath(), script: Resources.resolve("Tools/bench_ort.py"),
                                        modelDirectory: modelDirectory, int8Mode: ortInt8),
            progress: { note("bench: \($0)") })
        print(try render(try EngineBench.run(settings)))
    }

    private func render(_ report: BenchReport) throws -> String {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(report), as: UTF8.self)
        }
        return markdown ? BenchMarkdown.render(report) : BenchText.render(report)
    }

    private func savedReport(_ path: String) throws -> BenchReport {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw SavedReportError(path: path, problem: "cannot be read (\(error.localizedDescription))")
        }
        do { return try JSONDecoder().decode(BenchReport.self, from: data) } catch {
            throw SavedReportError(path: path, problem: "is not a report written by 'facepipe bench engine --json' (\(error))")
        }
    }

    private func pythonPath() -> String {
        if let python { return python }
        if let env = ProcessInfo.processInfo.environment["FACEPIPE_PYTHON"], !env.isEmpty { return env }
        return Resources.resolve(".venv/bin/python")
    }

    func parsedSizes() throws -> [BenchSize] {
        try BenchArguments.sizes(sizes)
    }

    func parsedThreads() throws -> [Int] {
        try BenchArguments.threads(threads)
    }
}

/// Parsing of the comma-separated lists (kept apart so tests can reach it).
enum BenchArguments {
    static func sizes(_ text: String) throws -> [BenchSize] {
        let sizes = try text.split(separator: ",").map { item -> BenchSize in
            let parts = item.lowercased().split(separator: "x")
            guard parts.count == 2, let h = Int(parts[0]), let w = Int(parts[1]), h >= 1, w >= 1 else {
                throw ValidationError("--sizes: '\(item)' is not HEIGHTxWIDTH (e.g. 400x800)")
            }
            return BenchSize(height: h, width: w)
        }
        guard !sizes.isEmpty else { throw ValidationError("--sizes: no size given") }
        return sizes
    }

    static func threads(_ text: String) throws -> [Int] {
        let counts = try text.split(separator: ",").map { item -> Int in
            guard let n = Int(item), n >= 1 else { throw ValidationError("--threads: '\(item)' is not a thread count >= 1") }
            return n
        }
        guard !counts.isEmpty else { throw ValidationError("--threads: no thread count given") }
        var unique: [Int] = []
        for n in counts where !unique.contains(n) { unique.append(n) }
        return unique
    }
}

/// `--load` names a file that is missing or is not a saved report.
struct SavedReportError: Error, CustomStringConvertible {
    var path: String
    var problem: String
    var description: String { "\(path) \(problem)" }
}
