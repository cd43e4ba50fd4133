import ArgumentParser
import FacepipeCommandLine
import FacepipeCore
import FacepipeKit
import Foundation

/// `facepipe run`: capture -> detect -> track -> overlay -> annotated video and/or events.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the face pipeline on a file, a stream URL or a camera.",
        discussion: """
            Examples:
              facepipe run --input videos/short_hamilton_clip.mp4 --output out.mp4 --events out.jsonl --overwrite
              facepipe run --pipeline Pipelines/webcam-live.yaml --input /dev/video0
              facepipe run --pipeline Pipelines/events-stdout.yaml --input clip.mp4 | jq .
              facepipe run --input clip.mp4 --output redacted.mp4 --redact blur
              facepipe run --pipeline Pipelines/redact.yaml --input clip.mp4 --output redacted.mp4
            """)

    @OptionGroup var options: RunOptions

    mutating func run() throws {
        let status = try FaceRun(options.request, askToOverwrite: Self.askToOverwrite).run()
        if status != 0 { throw ExitCode(status) }
    }

    /// ffmpeg's question when an output exists and neither -y nor -n was given; no terminal, no.
    private static func askToOverwrite(_ path: String) -> Bool {
        guard isatty(STDIN_FILENO) != 0, isatty(STDERR_FILENO) != 0 else { return false }
        Stderr.write("File '\(path)' already exists. Overwrite? [y/N] ")
        guard let answer = readLine() else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }
}
