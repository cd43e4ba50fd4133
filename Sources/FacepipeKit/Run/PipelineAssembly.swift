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

    /// The description's stage chain, in its order, limited to the kinds in `keeping`, made
    /// with the `registry` (fresh stages each call).
    func stages(of description: PipelineDescription, keeping kinds: Set<String>) throws -> [PipelineStage] {
        let drawing = Set(description.stages.map(\.kind)).intersection(["overlay", "redact"])
        if drawing.count > 1 {
            throw PipelineAssemblyError("\(description.file): has both an 'overlay' and a 'redact' stage; use one "
                                        + "(redact hides faces, and draws boxes too with --overlay)")
        }
        if redaction != nil, !drawing.isDisjoint(with: kinds), !kinds.contains("track") || !kinds.contains("detect") {
            throw PipelineAssemblyError("\(description.file): redaction needs the 'detect' and 'track' stages "
                                        + "(the tracker says where the faces are)")
        }
        let stages = try description.makeStages(with: registry).filter { kinds.contains($0.stage.name) }
        // A cut is marked by the scene stage, so a stage ahead of it would never see one.
        if let scene = stages.firstIndex(where: { $0.stage.name == "scene" }),
           let early = stages[..<scene].first(where: \.admission.cuts) {
            throw PipelineAssemblyError("\(description.file): the '\(early.stage.name)' stage admits camera cuts but comes "
                                        + "before the 'scene' stage that marks them; put 'scene' first")
        }
        return stages
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
