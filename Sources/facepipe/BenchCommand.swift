import ArgumentParser
import Benchmarks
import FacepipeKit
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

    func run() throws {
        let format: BenchReportFormat = json ? .json : markdown ? .markdown : .text
        if let load {
            print(try format.render(try BenchReport.load(fromFile: load)))
            return
        }
        let modelDirectory = Resources.resolve(model)
        let settings = EngineBench.Settings(
            modelDirectory: modelDirectory, sizes: try BenchArguments.sizes(sizes), threads: try BenchArguments.threads(threads),
            warmup: warmup, runs: runs, peakSeconds: peakSeconds,
            peer: noPeer ? nil : ORTPeer(python: pythonPath(), script: Resources.resolve("Tools/bench_ort.py"),
                                        modelDirectory: modelDirectory, int8Mode: ortInt8),
            progress: { note("bench: \($0)") })
        print(try format.render(try EngineBench.run(settings)))
    }

    private func pythonPath() -> String {
        if let python { return python }
        if let env = ProcessInfo.processInfo.environment["FACEPIPE_PYTHON"], !env.isEmpty { return env }
        return Resources.resolve(".venv/bin/python")
    }
}
