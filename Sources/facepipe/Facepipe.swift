import ArgumentParser

/// The command-line front door. Each subcommand is thin: it parses options, builds the
/// stage objects from their modules, and reports errors on stderr with a non-zero exit.
@main
struct Facepipe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facepipe",
        abstract: "Real-time face detection video pipeline: capture, detect (SSH, int8), track, annotate, emit events.",
        version: "0.1.0",
        subcommands: [RunCommand.self, DetectCommand.self, EvalCommand.self, EvalTrackCommand.self, EvalRedactCommand.self,
                      QuantizeCommand.self, BenchCommand.self]
    )
}
