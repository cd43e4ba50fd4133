import Pipeline

/// The rendered test videos (Tools/make_track_video.py, exact per-frame truth) that `eval-track`
/// and `eval-redact` score, and how each is run.
public struct RenderedVideos: Sendable {
    public var videos: [String]
    /// Ground-truth files, one per video in the same order; empty: `<video without extension>.gt.jsonl`.
    public var truth: [String] = []
    public var trackerConfig = "Configs/tracker.yaml"
    /// Detection on every Nth frame, the tracker predicting in between; nil: the pipeline file's.
    public var detectEvery: Int?
    /// No progress or pipeline summaries on stderr.
    public var quiet = false

    public init(videos: [String]) {
        self.videos = videos
    }

    /// Each video with its truth (the n-th of `truth`, else the file beside it), read now.
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
