import ArgumentParser
import Capture
import FacepipeCore
import FacepipeKit
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

    @OptionGroup var rendered: RenderedVideoOptions

    @Option(help: "Pipeline description (stage chain, rings, detect-every); its overlay stage and outputs are not used.")
    var pipeline = "Pipelines/mp4-annotate.yaml"

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: ArgumentHelp("Also score these tracker settings (repeatable) on the same detections, replayed without running the detector again.",
                               valueName: "tracker-config"))
    var compareTrackerConfig: [String] = []

    @Option(help: "Least IoU between a tracked and a true face box for a match.")
    var iou: Float = 0.5

    @Flag(help: "Print one JSON document (per-video and overall scores) instead of a table.")
    var json = false

    func validate() throws {
        guard iou > 0 && iou <= 1 else { throw ValidationError("--iou must be in (0, 1], got \(iou)") }
    }

    mutating func run() throws {
        FFmpegLog.route(level: .quiet, redaction: CredentialRedaction())  // facepipe's own messages say what failed
        let tests = try rendered.tests()
        let description = try PipelineDescription.load(fromFile: Resources.resolve(pipeline))
        let assembly = try PipelineAssembly(detector: modelOptions.choice, trackerConfig: rendered.trackerConfig)
        let compared = try compareTrackerConfig.map { try TrackerConfig.load(fromFile: Resources.resolve($0)) }
        // Replays need the weak detections every compared setting would use (NMS keeps the same
        // stronger boxes either way, and each tracker ignores what is below its own low_score).
        for config in compared {
            assembly.detector.settings.scoreThreshold = min(assembly.detector.settings.scoreThreshold, config.lowScore)
        }
        var evaluation = try TrackEvaluation(assembly: assembly, description: description, detectEvery: rendered.detectEvery)
        evaluation.iouThreshold = iou
        if !rendered.quiet { note("facepipe: detector \(assembly.detector.model.description.name) on \(assembly.detector.backend.label)") }

        let results = try rendered.each(tests, scores: \.scores) { try evaluation.evaluate($0, progress: $1, summary: $2) }
        let comparisons = zip(compareTrackerConfig, compared).map { path, config in
            TrackEvaluationReport.Comparison(trackerConfig: path, scores: zip(tests, results).map { test, result in
                evaluation.rescore(result, against: test.truth, with: config)
            })
        }
        let model = try modelOptions.choice.modelName
        let report = TrackEvaluationReport(results: results, model: model, engine: try modelOptions.choice.resolvedEngine.rawValue,
                                           detectEvery: evaluation.settings.detectEvery, trackerConfig: rendered.trackerConfig,
                                           iouThreshold: iou, comparisons: comparisons)
        print(json ? try report.json() : report.table)
    }
}
