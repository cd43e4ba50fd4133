import FacepipeCore
import Resize

/// The pipeline's detection step: resize the frame by the model's rule (one swscale pass into
/// a reused RGB buffer), run the detector, leave `frame.detections` in source pixels.
/// Which frames reach it (every Nth, the newest in live mode) is the pipeline's decision.
public final class DetectStage: FrameStage {
    public let name = "detect"
    public let detector: FaceDetector
    private let resizer: FrameResizer
    private let image = RGBImage()

    public init(detector: FaceDetector) {
        self.detector = detector
        resizer = FrameResizer(maxShort: detector.maxSides.short, maxLong: detector.maxSides.long)
    }

    public func process(_ frame: VideoFrame) throws {
        try resizer.resize(frame, into: image)
        frame.detections.removeAll(keepingCapacity: true)
        try detector.detect(image, sourceWidth: frame.width, sourceHeight: frame.height, into: &frame.detections)
    }

    public func finish(lastTime: Double, lastFrame: Int) throws {}
}
