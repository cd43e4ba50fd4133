import FacepipeCore

/// The capture thread: takes a free frame, has the source fill it, stamps it and hands it
/// to the first ring. All live-policy drops happen here, in the first ring's policy:
///
/// - a free frame is taken from the pool; if the pool is empty, the oldest frame still
///   waiting in the first ring is taken back (dropped); if that ring is empty too (every
///   frame is further down the chain), the picture is read into a scratch frame and dropped;
/// - the filled frame is pushed with `pushEvictingOldest`: if the first ring is full, its
///   oldest frame is dropped instead of the source waiting.
///
/// Frames past the first ring are never dropped: later rings apply back-pressure.
final class SourceWorker: @unchecked Sendable {
    private let source: FrameSource
    private let pool: FramePool
    private let output: SPSCRing<VideoFrame>
    private let policy: FramePolicy
    private let control: RunControl
    let counters = ThreadCounters(name: "source")
    /// Frames this thread holds when it is not using them (dropped ones waiting for reuse);
    /// capacity reserved up front so keeping one never allocates. Returned to the pool after the run.
    private(set) var stash: [VideoFrame] = []

    init(source: FrameSource, pool: FramePool, output: SPSCRing<VideoFrame>, policy: FramePolicy, control: RunControl) {
        self.source = source; self.pool = pool; self.output = output; self.policy = policy; self.control = control
        stash.reserveCapacity(pool.total + 1)
    }

    func run() {
        defer {
            output.close()
            source.close()
        }
        while !control.stopRequested {
            guard let frame = takeFrame() else { break }
            frame.resetMetadata()
            frame.capturedAt = 0
            let started = monotonicNanoseconds()
            let gotFrame: Bool
            do {
                gotFrame = try source.read(into: frame)
            } catch {
                keep(frame)
                control.reportFault(stage: counters.name, error: error, frameIndex: nil)
                break
            }
            let now = monotonicNanoseconds()
            counters.busyNanoseconds.add(Int(now - started))
            guard gotFrame else {
                keep(frame)
                break
            }
            if frame.capturedAt == 0 { frame.capturedAt = now }
            counters.framesIn.add()
            counters.setLastTime(frame.seconds)
            if !deliver(frame) { break }
        }
    }

    /// False when the run is being aborted and the frame could not be queued.
    private func deliver(_ frame: VideoFrame) -> Bool {
        switch policy {
        case .lossless:
            if output.push(frame, giveUp: { control.abortRequested }) { return true }
            counters.framesVoided.add()
            keep(frame)
            return false
        case .latest:
            if frame === pool.scratch {
                counters.framesDropped.add()
                return true
            }
            output.pushEvictingOldest(frame) { dropped in
                counters.framesDropped.add()
                keep(dropped)
            }
            return true
        }
    }

    private func takeFrame() -> VideoFrame? {
        if let held = stash.popLast() { return held }
        switch policy {
        case .lossless:
            return pool.free.pop(giveUp: { control.stopRequested })
        case .latest:
            if let free = pool.free.tryPop() { return free }
            if let oldest = output.tryEvictOldest() {
                counters.framesDropped.add()
                return oldest
            }
            return pool.scratch
        }
    }

    private func keep(_ frame: VideoFrame) {
        if frame !== pool.scratch { stash.append(frame) }
    }
}
