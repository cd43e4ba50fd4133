import ArgumentParser
import Capture
import FacepipeCommandLine
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

    @OptionGroup var options: EvalTrackOptions

    mutating func run() throws {
        FFmpegLog.route(level: .quiet, redaction: CredentialRedaction())  // facepipe's own messages say what failed
        let tests = try options.rendered.tests()
        let description = try PipelineDescription.load(fromFile: Resources.resolve(options.pipeline))
        let assembly = try PipelineAssembly(detector: options.modelOptions.choice, trackerConfig: options.rendered.trackerConfig)
        let compared = try options.compareTrackerConfig.map { try TrackerConfig.load(fromFile: Resources.resolve($0)) }
        // Replays need the weak detections every compared setting would use (NMS keeps the same
        // stronger boxes either way, and each tracker ignores what is below its own low_score).
        for config in compared {
            assembly.detector.settings.scoreThreshold = min(assembly.detector.settings.scoreThreshold, config.lowScore)
        }
        var evaluation = try TrackEvaluation(assembly: assembly, description: description, detectEvery: options.rendered.detectEvery)
        evaluation.iouThreshold = options.iou
        if !options.rendered.quiet { note("facepipe: detector \(assembly.detector.model.description.name) on \(assembly.detector.backend.label)") }

        let results = try options.rendered.each(tests, scores: \.scores) { try evaluation.evaluate($0, progress: $1, summary: $2) }
        let comparisons = zip(options.compareTrackerConfig, compared).map { path, config in
            TrackEvaluationReport.Comparison(trackerConfig: path, scores: zip(tests, results).map { test, result in
                evaluation.rescore(result, against: test.truth, with: config)
            })
        }
        let model = try options.modelOptions.choice.modelName
        let report = TrackEvaluationReport(results: results, model: model, engine: try options.modelOptions.choice.resolvedEngine.rawValue,
                                           detectEvery: evaluation.settings.detectEvery, trackerConfig: options.rendered.trackerConfig,
                                           iouThreshold: options.iou, comparisons: comparisons)
        print(options.json ? try report.json() : report.table)
    }
}
