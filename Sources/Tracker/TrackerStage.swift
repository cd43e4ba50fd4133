import FacepipeCore

/// The pipeline's tracking step: turns `frame.detections` into `frame.faces` with stable
/// IDs and sends the face events to the event sink, if any. When redacting, it also fills
/// `frame.redactions` with every region to hide (see `RedactionRegions`).
public final class TrackerStage: FrameStage {
    public let name = "track"
    public let tracker: ByteTrack
    private let sink: EventSink?
    private var redaction: RedactionRegions?

    /// Tracks confirmed (track_start events) and face boxes reported (face events) so far,
    /// counted whether or not events are written, for the run's summary.
    public private(set) var tracksConfirmed = 0
    public private(set) var facesReported = 0
    /// The latest frame's size: event boxes are clipped to it.
    private var frameWidth: Float = 0
    private var frameHeight: Float = 0

    public init(config: TrackerConfig = .standard, sink: EventSink?, redaction: RedactionRegions? = nil) {
        tracker = ByteTrack(config: config)
        self.sink = sink
        self.redaction = redaction
    }

    public func process(_ frame: VideoFrame) throws {
        frameWidth = Float(frame.width)
        frameHeight = Float(frame.height)
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
        for event in tracker.events {
            switch event.kind {
            case .trackStart: tracksConfirmed += 1
            case .face: facesReported += 1
            case .trackEnd: break
            }
        }
        guard let sink, !tracker.events.isEmpty else { return false }
        for event in tracker.events { try sink.emit(clipped(event)) }
        return true
    }

    /// Event boxes lie inside the frame (the tracker's prediction may run past an edge).
    private func clipped(_ event: FaceEvent) -> FaceEvent {
        guard frameWidth > 0, frameHeight > 0 else { return event }
        var event = event
        event.box = event.box.clipped(toWidth: frameWidth, height: frameHeight)
        if let summary = event.summary {
            event.summary?.bestBox = summary.bestBox.clipped(toWidth: frameWidth, height: frameHeight)
        }
        return event
    }

    /// One line for the run's summary: what was found.
    public var findings: String {
        guard tracksConfirmed > 0 else { return "found: no face (no track was confirmed)" }
        return "found: \(tracksConfirmed) face track\(tracksConfirmed == 1 ? "" : "s"), "
            + "\(facesReported) face box\(facesReported == 1 ? "" : "es") reported"
    }
}
