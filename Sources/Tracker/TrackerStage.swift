import FacepipeCore

/// The pipeline's tracking step: turns `frame.detections` into `frame.faces` with stable
/// IDs and sends the face events to the event sink, if any. When redacting, it also fills
/// `frame.redactions` with every region to hide (see `RedactionRegions`).
public final class TrackerStage: FrameStage {
    public let name = "track"
    public let tracker: ByteTrack
    private let sink: EventSink?
    private var redaction: RedactionRegions?

    public init(config: TrackerConfig = .standard, sink: EventSink?, redaction: RedactionRegions? = nil) {
        tracker = ByteTrack(config: config)
        self.sink = sink
        self.redaction = redaction
    }

    public func process(_ frame: VideoFrame) throws {
        tracker.update(frame)
        redaction?.update(tracker: tracker, detections: frame.detections, detected: frame.detected,
                          time: frame.seconds, regions: &frame.redactions)
        if try emitEvents() {
            // One write per frame that has events: a live consumer of stdout sees them at once.
            try sink?.flush()
        }
    }

    /// Ends the tracks still alive (reason end_of_stream) and flushes the sink; finishing
    /// the sink is left to its owner, which may share it.
    public func finish(lastTime: Double, lastFrame: Int) throws {
        tracker.finish(time: lastTime, frame: lastFrame)
        redaction?.reset()
        try emitEvents()
        try sink?.flush()
    }

    /// Sends this frame's events; true if there were any.
    @discardableResult
    private func emitEvents() throws -> Bool {
        guard let sink, !tracker.events.isEmpty else { return false }
        for event in tracker.events { try sink.emit(event) }
        return true
    }
}
