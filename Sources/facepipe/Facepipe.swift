import ArgumentParser
import FacepipeKit

/// The command-line front door. Each subcommand is thin: it parses options, hands them to
/// FacepipeKit (or Benchmarks), and reports errors on stderr with a non-zero exit.
@main
struct Facepipe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facepipe",
        abstract: "Real-time face detection video pipeline: capture, detect (SSH, int8), track, annotate, emit events.",
        version: "0.1.0",
        subcommands: [RunCommand.self, DetectCommand.self, EvalCommand.self, EvalTrackCommand.self, EvalRedactCommand.self,
                      QuantizeCommand.self, BenchCommand.self]
    )

    /// ArgumentParser's own main, except that a request the library refuses (`BadRequest`) is a
    /// bad command line (exit status 64), as a `ValidationError` is.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let request as BadRequest {
            exit(withError: ValidationError(request.description))
        } catch {
            exit(withError: error)
        }
    }
}
