import ArgumentParser
import Benchmarks
import FacepipeCommandLine
import FacepipeKit

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

    @OptionGroup var options: EngineBenchOptions

    func run() throws {
        if let load = options.load {
            print(try options.format.render(try BenchReport.load(fromFile: load)))
            return
        }
        print(try options.format.render(try EngineBench.run(options.settings(progress: { note("bench: \($0)") }))))
    }
}
