import ArgumentParser
import Capture
import FacepipeCommandLine
import FacepipeCore
import FacepipeKit

/// `facepipe eval-redact clip.mp4 ...`: how much of each true face redaction leaves visible, on
/// videos rendered with exact ground truth by Tools/make_track_video.py (as `eval-track`).
struct EvalRedactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-redact",
        abstract: "Score redaction (face area left visible, non-face area hidden) on rendered test videos.",
        discussion: """
            Runs detect and track with redaction on, lays the redactor's masks (margin, shape) over each
            frame and counts, against the exact truth: the share of true face area left visible per frame
            (mean and worst frame), frames in which a face is more than 20 % visible, and the hidden area
            that is not a face. Prints a Markdown table (README-ready) or --json.
              facepipe eval-redact /tmp/t/a.mp4      # reads /tmp/t/a.gt.jsonl
            Tools/redact_benchmark.py renders the benchmark set and runs this for each engine and detect-every.
            """)

    @OptionGroup var options: EvalRedactOptions

    mutating func run() throws {
        FFmpegLog.route(level: .quiet, redaction: CredentialRedaction())  // facepipe's own messages say what failed
        let report = try options.evaluation.run()
        print(options.json ? try report.json() : report.markdown)
    }
}
