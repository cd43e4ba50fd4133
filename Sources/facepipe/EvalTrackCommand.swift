import ArgumentParser
import Capture
import FacepipeCommandLine
import FacepipeCore
import FacepipeKit

/// `facepipe eval-track clip.mp4 ...`: tracking quality of the whole pipeline on videos
/// rendered with exact ground truth by Tools/make_track_video.py.
struct EvalTrackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-track",
        abstract: "Score the full pipeline's tracking (CLEAR-MOT, IDF1) on rendered test videos.",
        discussion: """
            Two steps: render a video with exact ground truth from a labelled photo,
            then run the pipeline on it (capture, detect, track; every frame) and score:
              .venv/bin/python Tools/make_track_video.py --out /tmp/t/a.mp4 \\
                --labels ../shared/data/train/eden_mask_wearing/labels.jsonl \\
                --image images/eden_00000052.jpg --seed 1
              facepipe eval-track /tmp/t/a.mp4      # reads /tmp/t/a.gt.jsonl
            Tools/track_benchmark.py renders the benchmark set and runs this on it.
            """)

    @OptionGroup var options: EvalTrackOptions

    mutating func run() throws {
        FFmpegLog.route(level: .quiet, redaction: CredentialRedaction())  // facepipe's own messages say what failed
        let report = try options.evaluation.run()
        print(options.json ? try report.json() : report.table)
    }
}
