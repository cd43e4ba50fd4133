import Pipeline

/// `facepipe eval-redact`: how much of each true face redaction leaves visible on rendered
/// videos, and how much that is not a face it hides.
public struct RedactionEvaluationRequest {
    public var videos: RenderedVideos
    /// Pipeline description (stage chain, detect-every); its redact stage and outputs are not used.
    public var pipeline = "Pipelines/redact.yaml"
    public var detector = DetectorChoice()
    public var redaction = RedactionChoice()

    public init(videos: RenderedVideos) {
        self.videos = videos
    }

    /// Reads the truth, runs detect and track with redaction on each video and scores the masks
    /// (saying on stderr what runs unless `videos.quiet`).
    public func run() throws -> RedactionReport {
        let tests = try videos.tests()
        let description = try PipelineDescription.load(fromFile: Resources.resolve(pipeline))
        let settings = try redaction.settings()
        let assembly = try PipelineAssembly(detector: detector, trackerConfig: videos.trackerConfig, redaction: settings)
        let evaluation = try RedactionEvaluation(assembly: assembly, description: description, detectEvery: videos.detectEvery)
        if !videos.quiet { note("facepipe: detector \(assembly.detector.model.description.name) on \(assembly.detector.backend.label)") }
        let results = try videos.each(tests, scores: \.scores) { try evaluation.evaluate($0, progress: $1, summary: $2) }
        let s = settings.style
        return RedactionReport(results: results, model: try detector.modelName, engine: try detector.resolvedEngine.rawValue,
                               detectEvery: evaluation.settings.detectEvery,
                               settings: "\(s.shape.rawValue), margin \(s.margin), redaction score \(settings.score), "
                                   + "hold \(settings.holdSeconds) s, \(videos.trackerConfig)")
    }
}
