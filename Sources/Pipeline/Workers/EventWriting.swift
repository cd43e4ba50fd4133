import FacepipeCore

/// The event side of the sink thread: each frame's events go to every event sink, flushed
/// after every frame that has some (a live reader of stdout sees them at once); after the last
/// frame, the events the stages made when they finished (tracks ended by the end of the
/// stream), a last flush, and `finish`, whatever ended the run.
final class EventWriting {
    private let sinks: [EventSink]
    /// Stages whose `finish` makes events, in chain order.
    private let finalSources: [EventMakingStage]
    private let control: RunControl
    /// A sink that failed is not written again; its fault is reported once.
    private var failed: [Bool]

    init(sinks: [EventSink], stages: [PipelineStage], control: RunControl) {
        self.sinks = sinks
        finalSources = stages.compactMap { $0.stage as? EventMakingStage }
        self.control = control
        failed = Array(repeating: false, count: sinks.count)
    }

    func write(_ events: [FaceEvent], frameIndex: Int?) {
        guard !events.isEmpty else { return }
        for i in sinks.indices where !failed[i] {
            attempt(i, frameIndex: frameIndex) {
                for event in events { try sinks[i].emit(event) }
                try sinks[i].flush()
            }
        }
    }

    /// Runs after the sink thread's input closed: every stage has finished by then.
    func finish() {
        let final = finalSources.flatMap { $0.takeFinalEvents() }
        for i in sinks.indices where !failed[i] {
            attempt(i, frameIndex: nil) {
                for event in final { try sinks[i].emit(event) }
                try sinks[i].flush()
            }
        }
        for i in sinks.indices {
            do { try sinks[i].finish() } catch {
                if !failed[i] { control.reportFault(stage: "events", error: error, frameIndex: nil) }
            }
        }
    }

    private func attempt(_ i: Int, frameIndex: Int?, _ body: () throws -> Void) {
        do { try body() } catch {
            failed[i] = true
            control.reportFault(stage: "events", error: error, frameIndex: frameIndex)
        }
    }
}
