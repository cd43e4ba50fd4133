import FacepipeCore

/// Chooses what redaction hides in each frame, recall first (a face shown by mistake cannot
/// be taken back; a patch of hidden background costs little):
/// - every track the tracker keeps, at its Kalman box: confirmed tracks from their first to
///   their last frame, through missed and skipped frames (the prediction), and tentative ones
///   from the first detection (never held back until confirmation);
/// - every detection at or above `score` that no confirmed track took (weak faces the tracker
///   never follows, the first hits of a tentative track), kept in place for `holdSeconds` and at
///   least until the next frame the detector runs on, so `--detect-every N` and a detector that
///   blinks do not uncover them;
/// - at a camera cut, where every track ends, each track's box for as long as the track could
///   have coasted (`max_lost_seconds`): a cut taken by mistake uncovers nothing.
///
/// Used from one thread, beside the tracker. After warm-up an update allocates nothing.
public struct RedactionRegions: Sendable {
    /// Least detection score hidden on its own; below the tracker's thresholds (recall first).
    public var score: Float
    /// How long a detection not taken by a confirmed track stays hidden after its frame.
    public var holdSeconds: Double
    /// At most this many held detections (the oldest go first); bounds the work per frame.
    static let maxHeld = 256
    /// A held box overlapping a new detection at least this much is taken to be the same face.
    static let sameFaceIoU: Float = 0.5

    /// A box kept hidden from `time` for `seconds` (and at least until the next detector run).
    private struct Held: Sendable { var box: Box; var time: Double; var seconds: Double }
    private var held: [Held] = []
    private var cutBoxes: [Box] = []  // scratch of `holdLiveBoxes`

    public init(score: Float, holdSeconds: Double) {
        self.score = score
        self.holdSeconds = holdSeconds
        held.reserveCapacity(Self.maxHeld)
        cutBoxes.reserveCapacity(64)
    }

    /// Fills `regions` for a frame the tracker has just updated with these `detections`
    /// (ignored when `detected` is false) at stream time `time`.
    public mutating func update(tracker: ByteTrack, detections: [Detection], detected: Bool, time: Double,
                                regions: inout [Box]) {
        regions.removeAll(keepingCapacity: true)
        tracker.appendLiveBoxes(to: &regions)
        if detected {
            // Only a detector run can show that a held face has gone; skipped frames keep them all.
            held.removeAll { time - $0.time > $0.seconds || $0.time > time }
            for (d, detection) in detections.enumerated()
            where detection.score >= score && !tracker.isTakenByConfirmedTrack(detection: d) {
                // The same face found again replaces its older box: one mask per face, where it is now.
                if let same = held.firstIndex(where: { $0.box.iou(detection.box) >= Self.sameFaceIoU }) {
                    held[same] = Held(box: detection.box, time: time, seconds: holdSeconds)
                    continue
                }
                if held.count == Self.maxHeld { held.removeFirst() }
                held.append(Held(box: detection.box, time: time, seconds: holdSeconds))
            }
        }
        for entry in held { regions.append(entry.box) }
    }

    /// Called before a camera cut ends every track: holds each track's box for as long as the
    /// track could have coasted without a match (`max_lost_seconds`), so a cut taken by mistake
    /// hides what the tracks would have hidden.
    public mutating func holdLiveBoxes(of tracker: ByteTrack, time: Double) {
        tracker.appendLiveBoxes(to: &cutBoxes)
        let seconds = max(holdSeconds, tracker.config.maxLostSeconds)
        for box in cutBoxes {
            if held.count == Self.maxHeld { held.removeFirst() }
            held.append(Held(box: box, time: time, seconds: seconds))
        }
        cutBoxes.removeAll(keepingCapacity: true)
    }

    /// Forgets held detections (a new stream).
    public mutating func reset() { held.removeAll(keepingCapacity: true) }
}
