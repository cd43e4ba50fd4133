import ArgumentParser
import FacepipeKit

/// The rendered test videos (Tools/make_track_video.py, exact per-frame truth) that
/// `eval-track` and `eval-redact` score, and how each is run.
public struct RenderedVideoOptions: ParsableArguments {
    @Argument(help: "Rendered videos; each one's ground truth is <video without extension>.gt.jsonl unless --truth says.")
    var videos: [String]

    @Option(help: "Ground-truth file, once per video, in the same order.")
    var truth: [String] = []

    @Option(help: "Tracker settings.")
    public var trackerConfig = "Configs/tracker.yaml"

    @Option(help: "Run detection on every Nth frame and at camera cuts; the tracker predicts in between (default: the pipeline file's).")
    public var detectEvery: Int?

    @Flag(name: .shortAndLong, help: "Print no progress or pipeline summaries on stderr.")
    public var quiet = false

    public init() {}

    public func validate() throws {
        guard !videos.isEmpty else { throw ValidationError("give at least one rendered video") }
        guard truth.isEmpty || truth.count == videos.count else {
            throw ValidationError("--truth was given \(truth.count) times for \(videos.count) videos: give it once per video or not at all")
        }
        if let detectEvery, detectEvery < 1 { throw ValidationError("--detect-every must be at least 1, got \(detectEvery)") }
    }

    /// The videos and how each is run, for FacepipeKit's evaluations.
    var videoSet: RenderedVideos {
        var set = RenderedVideos(videos: videos)
        set.truth = truth
        set.trackerConfig = trackerConfig
        set.detectEvery = detectEvery
        set.quiet = quiet
        return set
    }
}
