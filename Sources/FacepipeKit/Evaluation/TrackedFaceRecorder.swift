import FacepipeCore

/// What the pipeline left on one frame: the detector's output (if it ran) and the tracked faces.
struct RecordedFrame: Sendable {
    var time: Double
    var detected: Bool
    var detections: [Detection]
    /// The picture's change from the previous frame (what tells the tracker of camera cuts).
    var sceneChange: Float = 0
    var faces: [TrackedFace]
    /// The regions redaction hid (empty unless the run redacts).
    var redactions: [Box] = []
}

/// The frame sink of `eval-track`: keeps what each frame carried at the end of the pipeline,
/// by frame index, so the run can be scored (and the same detections replayed through other
/// tracker settings) once the pipeline has finished. Read the results only after
/// `Pipeline.run` returns (the sink thread has ended by then).
final class TrackedFaceRecorder: FrameSink {
    private(set) var frames: [Int: RecordedFrame] = [:]
    private(set) var framesWritten = 0

    init(expectedFrames: Int) {
        frames.reserveCapacity(expectedFrames)
    }

    func write(_ frame: VideoFrame) throws {
        frames[frame.index] = RecordedFrame(time: frame.seconds, detected: frame.detected,
                                            detections: frame.detected ? frame.detections : [],
                                            sceneChange: frame.sceneChange, faces: frame.faces,
                                            redactions: frame.redactions)
        framesWritten += 1
    }

    func finish() throws {}

    var facesByFrame: [Int: [TrackedFace]] { frames.mapValues(\.faces) }
}
