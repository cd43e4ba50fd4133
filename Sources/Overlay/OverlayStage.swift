import FacepipeCore

/// The pipeline's drawing step: paints `frame.faces` onto the frame's pixels.
public final class OverlayStage: FrameStage {
    public let name = "overlay"
    public let overlay: FaceOverlay

    public init(overlay: FaceOverlay = FaceOverlay()) { self.overlay = overlay }

    public func process(_ frame: VideoFrame) throws { overlay.draw(on: frame) }

    public func finish(lastTime: Double, lastFrame: Int) throws {}
}
