import FacepipeCore
import Pipeline
import Tracker

/// `facepipe eval-track`: the full pipeline's tracking (CLEAR-MOT, IDF1) on rendered videos, and
/// other tracker settings scored on the same detections, replayed without the detector.
public struct TrackEvaluationRequest {
    public var videos: RenderedVideos
    /// Pipeline description (stage chain, rings, detect-every); its overlay stage and outputs are not used.
    public var pipeline = "Pipelines/mp4-annotate.yaml"
    public var detector = DetectorChoice()
    /// Tracker settings also scored on the run's detections.
    public var compareTrackerConfigs: [String] = []
    /// Least IoU between a tracked and a true face box for a match.
    public var iou: Float = 0.5

    public init(videos: RenderedVideos) {
        self.videos = videos
    }

    /// Reads the truth, runs the pipeline on each video and scores it (saying on stderr what runs
    /// unless `videos.quiet`).
    public func run() throws -> TrackEvaluationReport {
        let tests = try videos.tests()
        let description = try PipelineDescription.load(fromFile: Resources.resolve(pipeline))
        let assembly = try PipelineAssembly(detector: detector, trackerConfig: videos.trackerConfig)
        let compared = try compareTrackerConfigs.map { try TrackerConfig.load(fromFile: Resources.resolve($0)) }
        // Replays need the weak detections every compared setting would use (NMS keeps the same
        // stronger boxes either way, and each tracker ignores what is below its own low_score).
        for config in compared {
            assembly.detector.settings.scoreThreshold = min(assembly.detector.settings.scoreThreshold, config.lowScore)
        }
        var evaluation = try TrackEvaluation(assembly: assembly, description: description, detectEvery: videos.detectEvery)
        evaluation.iouThreshold = iou
        if !videos.quiet { note("facepipe: detector \(assembly.detector.model.description.name) on \(assembly.detector.backend.label)") }

        let results = try videos.each(tests, scores: \.scores) { try evaluation.evaluate($0, progress: $1, summary: $2) }
        let comparisons = zip(compareTrackerConfigs, compared).map { path, config in
            TrackEvaluationReport.Comparison(trackerConfig: path, scores: zip(tests, results).map { test, result in
                evaluation.rescore(result, against: test.truth, with: config)
            })
        }
        return TrackEvaluationReport(results: results, model: try detector.modelName, engine: try detector.resolvedEngine.rawValue,
                                     detectEvery: evaluation.settings.detectEvery, trackerConfig: videos.trackerConfig,
                                     iouThreshold: iou, comparisons: comparisons)
    }
}
