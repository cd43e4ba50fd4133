import Detector
import FacepipeCore
import Overlay
import Pipeline
import Tracker

/// What every command that runs the face pipeline builds the same way from its options
/// (`run`, `eval-track`): the tracker settings, the detector, and the stage for each kind
/// a pipeline file names. Settings and model load first, so a bad file fails before any
/// input is opened.
struct PipelineAssembly {
    static let stageKinds = ["detect", "track", "overlay"]

    let trackerSettings: TrackerConfig
    let detector: FaceDetector

    init(modelOptions: ModelOptions, trackerConfig: String) throws {
        trackerSettings = try TrackerConfig.load(fromFile: Resources.resolve(trackerConfig))
        detector = try modelOptions.makeDetector()
        // The tracker's second round needs the weak detections too (ByteTrack).
        detector.settings.scoreThreshold = min(detector.settings.scoreThreshold, trackerSettings.lowScore)
    }

    /// The description's stage chain, in its order, limited to the kinds in `keeping`.
    /// Each call makes fresh stages (a new tracker, so IDs start over); the detector is shared.
    func stages(of description: PipelineDescription, keeping kinds: Set<String>,
                events: EventSink?) throws -> [PipelineStage] {
        try description.makeStages { entry -> FrameStage in
            switch entry.kind {
            case "detect": return DetectStage(detector: detector)
            case "track": return TrackerStage(config: trackerSettings, sink: events)
            case "overlay": return OverlayStage()
            default: throw description.unknownStage(entry, known: Self.stageKinds)
            }
        }.filter { kinds.contains($0.stage.name) }
    }

    /// The description's run settings with the command line's overrides applied.
    static func settings(of description: PipelineDescription, detectEvery: Int?, policy: FramePolicy?) -> PipelineSettings {
        var settings = description.settings
        if let detectEvery { settings.detectEvery = detectEvery }
        if let policy { settings.policy = policy }
        return settings
    }
}
