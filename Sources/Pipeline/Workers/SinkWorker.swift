import FacepipeCore

/// The last thread: writes each frame to the frame sinks and its face events to the event
/// sinks, measures capture-to-write latency, and returns the frame to the pool. Once its input
/// closes, whatever ended the run, it writes the events the stages made when they finished,
/// flushes, and finishes every sink, so outputs are always finalised.
final class SinkWorker: @unchecked Sendable {
    private let sinks: [NamedFrameSink]
    private let events: EventWriting
    private let input: SPSCRing<VideoFrame>
    private let pool: FramePool
    private let control: RunControl
    let counters = ThreadCounters(name: "sink")
    let latency = LatencyHistogram()
    /// Sinks that already failed are not written again (their file is likely broken).
    private var failed: [Bool]

    init(sinks: [NamedFrameSink], events: EventWriting, input: SPSCRing<VideoFrame>, pool: FramePool, control: RunControl) {
        self.sinks = sinks; self.events = events; self.input = input; self.pool = pool; self.control = control
        failed = Array(repeating: false, count: sinks.count)
    }

    func run() {
        while let frame = input.pop() {
            counters.framesIn.add()
            if control.isVoid(frame) {
                counters.framesVoided.add()
            } else {
                write(frame)
            }
            // A frame voided after a stage made its events still made them: later events build on them.
            events.write(frame.events, frameIndex: frame.index)
            let returned = pool.free.push(frame)
            precondition(returned, "the pool ring is sized to hold every frame")
        }
        for (i, named) in sinks.enumerated() {
            do {
                try named.sink.finish()
            } catch {
                if !failed[i] { control.reportFault(stage: named.name, error: error, frameIndex: nil) }
            }
        }
        events.finish()
    }

    private func write(_ frame: VideoFrame) {
        let started = monotonicNanoseconds()
        for i in sinks.indices where !failed[i] {
            do {
                try sinks[i].sink.write(frame)
            } catch {
                failed[i] = true
                control.reportFault(stage: sinks[i].name, error: error, frameIndex: frame.index)
            }
        }
        let now = monotonicNanoseconds()
        counters.busyNanoseconds.add(Int(now - started))
        counters.framesProcessed.add()
        counters.setLastTime(frame.seconds)
        if frame.capturedAt > 0 && now >= frame.capturedAt {
            latency.record(nanoseconds: now - frame.capturedAt)
        }
    }
}
