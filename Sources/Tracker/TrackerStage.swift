import FacepipeCore

/// The pipeline's tracking step: measures how much each picture changed unless a `scene` stage
/// did (camera cuts end tracks), turns `frame.detections` into `frame.faces` with stable IDs and puts the frame's
/// face events on it (`frame.events`: the pipeline's sink side writes
/// them). When redacting, it also fills `frame.redactions` with every region to hide (see
/// `RedactionRegions`).
public final class TrackerStage: EventMakingStage {
    public let name = "track"
    public let tracker: ByteTrack
    private var changeMeter = SceneChangeMeter()
    private var redaction: RedactionRegions?
    /// The track_end events of the tracks the end of the stream ended, until taken.
    private var finalEvents: [FaceEvent] = []

    /// Tracks confirmed (track_start events) and face boxes reported (face events) so far,
    /// counted whether or not events are written, for the run's summary.
    private(set) var tracksConfirmed = 0
    private(set) var facesReported = 0
    /// The latest frame's size: event boxes are clipped to it.
    private var frameWidth: Float = 0
    private var frameHeight: Float = 0

    public init(config: TrackerConfig = .standard, redaction: RedactionRegions? = nil) {
        tracker = ByteTrack(config: config)
        self.redaction = redaction
    }

    public func process(_ frame: VideoFrame) throws {
        frameWidth = Float(frame.width)
        frameHeight = Float(frame.height)
        if !frame.sceneMeasured { frame.sceneChange = changeMeter.measure(frame) }
        if tracker.config.isSceneCut(frame.sceneChange) {
            // Recall first: what was hidden before the cut stays hidden as long as its track could
            // have coasted (a cut taken by mistake must not uncover a face).
            redaction?.holdLiveBoxes(of: tracker, time: frame.seconds)
        }
        tracker.update(frame)
        redaction?.update(tracker: tracker, detections: frame.detections, detected: frame.detected,
                          time: frame.seconds, regions: &frame.redactions)
        collectEvents(into: &frame.events)
    }

    /// Ends the tracks still alive (reason end_of_stream); their events wait for `takeFinalEvents`.
    public func finish(lastTime: Double, lastFrame: Int) throws {
        tracker.finish(time: lastTime, frame: lastFrame)
        changeMeter.reset()
        redaction?.reset()
        collectEvents(into: &finalEvents)
    }

    public func takeFinalEvents() -> [FaceEvent] {
        defer { finalEvents.removeAll() }
        return finalEvents
    }

    /// Appends the tracker's latest events, boxes clipped to the frame, and counts them.
    private func collectEvents(into events: inout [FaceEvent]) {
        for event in tracker.events {
            switch event.kind {
            case .trackStart: tracksConfirmed += 1
            case .face: facesReported += 1
            case .trackEnd: break
            }
            events.append(clipped(event))
        }
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
