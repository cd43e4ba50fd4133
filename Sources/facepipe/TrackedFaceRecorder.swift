import FacepipeCore

/// The frame sink of `eval-track`: keeps each frame's tracked faces in memory, by frame
/// index, so the run can be scored against its ground truth once the pipeline has finished.
/// Read the results only after `Pipeline.run` returns (the sink thread has ended by then).
final class TrackedFaceRecorder: FrameSink {
    private(set) var facesByFrame: [Int: [TrackedFace]] = [:]
    private(set) var framesWritten = 0

    init(expectedFrames: Int) {
        facesByFrame.reserveCapacity(expectedFrames)
    }

    func write(_ frame: VideoFrame) throws {
        facesByFrame[frame.index] = frame.faces
        framesWritten += 1
    }

    func finish() throws {}
}
