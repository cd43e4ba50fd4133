import ArgumentParser
import FacepipeKit
import Pipeline

/// The rendered test videos (Tools/make_track_video.py, exact per-frame truth) that
/// `eval-track` and `eval-redact` score, and how each is run.
struct RenderedVideoOptions: ParsableArguments {
    @Argument(help: "Rendered videos; each one's ground truth is <video without extension>.gt.jsonl unless --truth says.")
    var videos: [String]

    @Option(help: "Ground-truth file, once per video, in the same order.")
    var truth: [String] = []

    @Option(help: "Tracker settings.")
    var trackerConfig = "Configs/tracker.yaml"

    @Option(help: "Run detection on every Nth frame; the tracker predicts in between (default: the pipeline file's).")
    var detectEvery: Int?

    @Flag(name: .shortAndLong, help: "Print no progress or pipeline summaries on stderr.")
    var quiet = false

    func validate() throws {
        guard !videos.isEmpty else { throw ValidationError("give at least one rendered video") }
        guard truth.isEmpty || truth.count == videos.count else {
            throw ValidationError("--truth was given \(truth.count) times for \(videos.count) videos: give it once per video or not at all")
        }
        if let detectEvery, detectEvery < 1 { throw ValidationError("--detect-every must be at least 1, got \(detectEvery)") }
    }

    func tests() throws -> [TrackTestVideo] {
        try videos.enumerated().map { n, video in try TrackTestVideo(video: video, truthFile: truth.isEmpty ? nil : truth[n]) }
    }

    /// Runs `evaluate` on each video in turn, saying on stderr what runs and its `scores` unless quiet.
    func each<Result>(
        _ tests: [TrackTestVideo], scores: (Result) -> Any,
        _ evaluate: (TrackTestVideo, ProgressReporter?, ((PipelineStats) -> Void)?) throws -> Result
    ) rethrows -> [Result] {
        try tests.map { test in
            if !quiet { note("facepipe: \(test.video) (\(test.truth.frames.count) frames, truth \(test.truthFile))") }
            let result = try evaluate(test, quiet ? nil : StderrProgressBar.ifTerminal(), quiet ? nil : { note($0.summary) })
            if !quiet { note("  \(scores(result))") }
            return result
        }
    }
}
