import Detector
import FacepipeCore
import Overlay
import Pipeline
import Tracker

/// What every command that runs the face pipeline builds the same way from its options
/// (`run`, `eval-track`, `eval-redact`): the tracker settings, the detector, and the stage for
/// each kind a pipeline file names. Settings and model load first, so a bad file fails before
/// any input is opened.
public struct PipelineAssembly {
    static let stageKinds = ["detect", "track", "overlay", "redact"]

    let trackerSettings: TrackerConfig
    public let detector: FaceDetector
    /// Set when the run hides faces; nil draws boxes only.
    let redaction: RedactionSettings?
    /// Draw boxes, IDs and scores even when redacting (`--overlay`).
    let drawWhenRedacting: Bool

    public init(detector choice: DetectorChoice, trackerConfig: String, redaction: RedactionSettings? = nil,
                drawWhenRedacting: Bool = false) throws {
        trackerSettings = try TrackerConfig.load(fromFile: Resources.resolve(trackerConfig))
        detector = try choice.makeDetector()
        self.redaction = redaction
        self.drawWhenRedacting = drawWhenRedacting
        // The tracker's second round needs the weak detections too (ByteTrack), and redaction
        // hides detections down to its own, lower score.
        detector.settings.scoreThreshold = min(detector.settings.scoreThreshold, trackerSettings.lowScore,
                                               redaction?.score ?? 1)
    }

    /// The description's stage chain, in its order, limited to the kinds in `keeping`.
    /// Each call makes fresh stages (a new tracker, so IDs start over); the detector is shared.
    /// `overlay` and `redact` are the same stage: it hides faces when the run redacts and draws
    /// boxes when it does not (or with `--overlay`).
    func stages(of description: PipelineDescription, keeping kinds: Set<String>,
                events: EventSink?) throws -> [PipelineStage] {
        let drawing = Set(description.stages.map(\.kind)).intersection(["overlay", "redact"])
        if drawing.count > 1 {
            throw PipelineAssemblyError("\(description.file): has both an 'overlay' and a 'redact' stage; use one "
                                        + "(redact hides faces, and draws boxes too with --overlay)")
        }
        if redaction != nil, !drawing.isDisjoint(with: kinds), !kinds.contains("track") || !kinds.contains("detect") {
            throw PipelineAssemblyError("\(description.file): redaction needs the 'detect' and 'track' stages "
                                        + "(the tracker says where the faces are)")
        }
        return try description.makeStages { entry -> FrameStage in
            switch entry.kind {
            case "detect": return DetectStage(detector: detector)
            case "track":
                return TrackerStage(config: trackerSettings, sink: events,
                                    redaction: redaction.map { RedactionRegions(score: $0.score, holdSeconds: $0.holdSeconds) })
            case "overlay", "redact":
                let draws = redaction == nil || drawWhenRedacting
                return OverlayStage(overlay: draws ? FaceOverlay() : nil,
                                    redactor: redaction.map { FaceRedactor(style: $0.style) }, name: entry.kind)
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

/// A pipeline file whose stages cannot make the run asked for.
struct PipelineAssemblyError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
