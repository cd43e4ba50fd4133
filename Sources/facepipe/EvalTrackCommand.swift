import ArgumentParser
import Capture
import CFFmpeg
import FacepipeCore
import Foundation
import Pipeline
import Tracker

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

    @Argument(help: "Rendered videos; each one's ground truth is <video without extension>.gt.jsonl unless --truth says.")
    var videos: [String]

    @Option(help: "Ground-truth file, once per video, in the same order.")
    var truth: [String] = []

    @Option(help: "Pipeline description (stage chain, rings, detect-every); its overlay stage and outputs are not used.")
    var pipeline = "Pipelines/mp4-annotate.yaml"

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Tracker settings.")
    var trackerConfig = "Configs/tracker.yaml"

    @Option(help: ArgumentHelp("Also score these tracker settings (repeatable) on the same detections, replayed without running the detector again.",
                               valueName: "tracker-config"))
    var compareTrackerConfig: [String] = []

    @Option(help: "Run detection on every Nth frame; the tracker predicts in between (default: the pipeline file's).")
    var detectEvery: Int?

    @Option(help: "Least IoU between a tracked and a true face box for a match.")
    var iou: Float = 0.5

    @Flag(help: "Print one JSON document (per-video and overall scores) instead of a table.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print no progress or pipeline summaries on stderr.")
    var quiet = false

    func validate() throws {
        guard !videos.isEmpty else { throw ValidationError("give at least one rendered video") }
        guard truth.isEmpty || truth.count == videos.count else {
            throw ValidationError("--truth was given \(truth.count) times for \(videos.count) videos: give it once per video or not at all")
        }
        guard iou > 0 && iou <= 1 else { throw ValidationError("--iou must be in (0, 1], got \(iou)") }
        if let detectEvery, detectEvery < 1 { throw ValidationError("--detect-every must be at least 1, got \(detectEvery)") }
    }

    mutating func run() throws {
        FFmpegLog.route(level: .quiet, redaction: CredentialRedaction())  // facepipe's own messages say what failed
        let tests = try videos.enumerated().map { n, video in
            try TrackTestVideo(video: video, truthFile: truth.isEmpty ? nil : truth[n])
        }
        let description = try PipelineDescription.load(fromFile: Resources.resolve(pipeline))
        let assembly = try PipelineAssembly(modelOptions: modelOptions, trackerConfig: trackerConfig)
        let compared = try compareTrackerConfig.map { try TrackerConfig.load(fromFile: Resources.resolve($0)) }
        // Replays need the weak detections every compared setting would use (NMS keeps the same
        // stronger boxes either way, and each tracker ignores what is below its own low_score).
        for config in compared {
            assembly.detector.settings.scoreThreshold = min(assembly.detector.settings.scoreThreshold, config.lowScore)
        }
        var evaluation = try TrackEvaluation(assembly: assembly, description: description, detectEvery: detectEvery)
        evaluation.iouThreshold = iou
        if !quiet { note("facepipe: detector \(assembly.detector.model.description.name) on \(assembly.detector.backend.label)") }

        var results: [TrackVideoResult] = []
        for test in tests {
            if !quiet { note("facepipe: \(test.video) (\(test.truth.frames.count) frames, truth \(test.truthFile))") }
            let result = try evaluation.evaluate(test, progress: quiet ? nil : StderrProgressBar.ifTerminal(),
                                                 summary: quiet ? nil : { note($0.summary) })
            if !quiet { note("  \(result.scores)") }
            results.append(result)
        }
        let comparisons = zip(compareTrackerConfig, compared).map { path, config in
            TrackEvaluationReport.Comparison(trackerConfig: path, scores: zip(tests, results).map { test, result in
                evaluation.rescore(result, against: test.truth, with: config)
            })
        }
        let model = try modelOptions.model ?? modelOptions.fileSettings().0.model
        let report = TrackEvaluationReport(results: results, model: model, engine: try modelOptions.resolvedEngine.rawValue,
                                           detectEvery: evaluation.settings.detectEvery, trackerConfig: trackerConfig,
                                           iouThreshold: iou, comparisons: comparisons)
        print(json ? try report.json() : report.table)
    }
}
