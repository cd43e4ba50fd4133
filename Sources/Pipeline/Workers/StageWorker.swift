import FacepipeCore

/// The thread of one `FrameStage`: pops frames in order, processes them, pushes them on.
///
/// Which frames the stage works on is its `Admission`: only every Nth frame (by index) and, when
/// it says so, a frame marked as a camera cut, and under the live policy only the newest of the
/// frames waiting. The others pass straight on, untouched, so the tracker predicts across frames
/// the detector passed over. Skipping is not dropping: every frame that enters leaves, in order.
final class StageWorker: @unchecked Sendable {
    private let stage: FrameStage
    private let every: Int
    private let newestFirst: Bool
    private let admitsCuts: Bool
    private let marksDetected: Bool
    private let input: SPSCRing<VideoFrame>
    private let output: SPSCRing<VideoFrame>
    private let control: RunControl
    let counters: ThreadCounters
    private var lastAdmittedIndex: Int?
    private var lastTime = -1.0
    private var lastIndex = -1

    init(_ spec: PipelineStage, policy: FramePolicy, detectEvery: Int,
         input: SPSCRing<VideoFrame>, output: SPSCRing<VideoFrame>, control: RunControl) {
        stage = spec.stage
        every = spec.admission.interval(detectEvery: detectEvery)
        newestFirst = spec.admission.newest == .live && policy == .latest
        admitsCuts = spec.admission.cuts
        marksDetected = spec.marksDetected
        self.input = input; self.output = output; self.control = control
        counters = ThreadCounters(name: spec.stage.name)
    }

    func run() {
        if newestFirst {
            while let frame = input.popNewest(others: { stale in passStale(stale) }) {
                handle(frame)
            }
        } else {
            while let frame = input.pop() { handle(frame) }
        }
        finishStage()
        output.close()
    }

    private func handle(_ frame: VideoFrame) {
        counters.framesIn.add()
        defer { forward(frame) }
        if control.isVoid(frame) { return }
        noteReached(frame)
        if let last = lastAdmittedIndex, frame.index - last < every, !(admitsCuts && frame.cameraCut) {
            counters.skippedByInterval.add()
            return
        }
        lastAdmittedIndex = frame.index
        let started = monotonicNanoseconds()
        do {
            try stage.process(frame)
            if marksDetected { frame.detected = true }
            counters.framesProcessed.add()
        } catch {
            control.reportFault(stage: stage.name, error: error, frameIndex: frame.index)
        }
        counters.busyNanoseconds.add(Int(monotonicNanoseconds() - started))
    }

    /// A frame passed over for a newer one (newest-first under the live policy).
    private func passStale(_ frame: VideoFrame) {
        counters.framesIn.add()
        if !control.isVoid(frame) {
            noteReached(frame)
            counters.skippedAsStale.add()
        }
        forward(frame)
    }

    private func noteReached(_ frame: VideoFrame) {
        lastTime = frame.seconds
        lastIndex = frame.index
        counters.setLastTime(lastTime)
    }

    /// The next thread always drains its input until we close it, so this push completes.
    private func forward(_ frame: VideoFrame) {
        let pushed = output.push(frame)
        precondition(pushed, "a stage's output ring was closed by someone else")
    }

    private func finishStage() {
        let started = monotonicNanoseconds()
        do {
            try stage.finish(lastTime: lastTime, lastFrame: lastIndex)
        } catch {
            control.reportFault(stage: stage.name, error: error, frameIndex: nil)
        }
        counters.busyNanoseconds.add(Int(monotonicNanoseconds() - started))
    }
}
