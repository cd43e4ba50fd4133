import Detector
import FacepipeCore
import Overlay
import Pipeline
import Tracker

extension PipelineAssembly {
    /// Every stage kind a pipeline file may name, in one place: what each admits when the file
    /// does not say (`admit:`), and what it is made of. Each call makes fresh stages (a new
    /// tracker, so IDs start over); the detector is shared.
    var registry: StageRegistry {
        StageRegistry([
            // Marks camera cuts ahead of the detector, which admits them within its interval.
            .init("scene") { _ in SceneStage(config: trackerSettings) },
            // The detector's work marks frames `detected`; the tracker predicts across the others.
            .init("detect", admission: .detection, marksDetected: true) { _ in DetectStage(detector: detector) },
            .init("track") { _ in
                TrackerStage(config: trackerSettings,
                             redaction: redaction.map { RedactionRegions(score: $0.score, holdSeconds: $0.holdSeconds) })
            },
            .init("overlay", make: drawingStage),
            .init("redact", make: drawingStage),
        ])
    }

    /// `overlay` and `redact` are the same stage: it hides faces when the run redacts and draws
    /// boxes when it does not (or with `--overlay`).
    private func drawingStage(_ entry: PipelineDescription.StageEntry) -> FrameStage {
        let draws = redaction == nil || drawWhenRedacting
        return OverlayStage(overlay: draws ? FaceOverlay() : nil,
                            redactor: redaction.map { FaceRedactor(style: $0.style) }, name: entry.kind)
    }
}
