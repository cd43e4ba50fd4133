import FacepipeCore

/// The pipeline's drawing step: hides the regions in `frame.redactions` (when redacting),
/// then paints `frame.faces` onto the frame's pixels (when drawing), so drawn boxes stay visible
/// on top of the masks.
public final class OverlayStage: FrameStage {
    public let name: String
    public let overlay: FaceOverlay?
    public let redactor: FaceRedactor?

    /// `name` is the pipeline file's stage kind ("overlay", "redact") for the summary.
    public init(overlay: FaceOverlay? = FaceOverlay(), redactor: FaceRedactor? = nil, name: String = "overlay") {
        self.overlay = overlay
        self.redactor = redactor
        self.name = name
    }

    public func process(_ frame: VideoFrame) throws {
        redactor?.redact(on: frame)
        overlay?.draw(on: frame)
    }

    public func finish(lastTime: Double, lastFrame: Int) throws {}
}
