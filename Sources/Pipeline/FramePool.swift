import FacepipeCore

/// The frames of one run, all allocated before the first read. Free frames wait in a ring
/// that the sink thread fills (frames it is done with) and the source thread drains, so in
/// steady state a frame goes source -> stages -> sink -> pool and nothing is allocated.
final class FramePool: @unchecked Sendable {
    let total: Int
    let free: SPSCRing<VideoFrame>
    /// Live policy only: what the source reads into when every pooled frame is past the first
    /// ring, so it can keep the device drained without waiting. Never enters the pipeline.
    let scratch = VideoFrame()

    init(frames: Int) {
        precondition(frames >= 2, "a pipeline needs at least two frames")
        total = frames
        free = SPSCRing(capacity: frames)
        for _ in 0..<frames {
            let ok = free.tryPush(VideoFrame())
            precondition(ok, "pool ring sized below the pool")
        }
    }

    /// Frames back in the pool; equals `total` after a run when no frame leaked.
    var available: Int { free.count }
}
