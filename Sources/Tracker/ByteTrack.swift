import FacepipeCore

/// Multi-face tracker in the manner of ByteTrack (Zhang et al. 2022): a Kalman filter per
/// track, IoU association solved optimally, in two rounds so that low-score detections
/// (blurred, half-hidden faces) keep followed tracks alive without ever starting new ones.
///
/// Per detected frame: (1) high-score detections vs every confirmed track, followed or
/// lost; (2) low-score detections vs followed tracks still unmatched; (3) tentative tracks
/// vs high-score detections left over. Unmatched tentative tracks are dropped, unmatched
/// followed tracks become lost, leftover high-score detections start tentative tracks.
/// Frames where detection did not run only move every track along its prediction. A camera
/// cut (the frame's `sceneChange` at or above `scene_cut`) first ends every track: the face now
/// at a track's predicted place belongs to another shot and must get a new ID.
///
/// Used from one thread. After warm-up an update allocates nothing.
public final class ByteTrack {
    public let config: TrackerConfig
    /// Events produced by the last `update` or `finish`, in this order: `track_end`,
    /// then `track_start`, then `face`, each group in order of track creation.
    public private(set) var events: [FaceEvent] = []

    private var tracks: [Track] = []
    private var nextID = 1
    private var solver = AssignmentSolver()
    // Scratch, reused every frame.
    private var highDetections: [Int] = []
    private var lowDetections: [Int] = []
    private var detectionUsed: [Bool] = []
    /// Per detection of the last detected frame: taken by a confirmed track (rounds one and two).
    private var detectionConfirmed: [Bool] = []
    private var roundTracks: [Int] = []
    private var roundDetections: [Int] = []
    private var costs: [Double] = []
    private var rowToColumn: [Int] = []
    private var startedNow: [Bool] = []

    public init(config: TrackerConfig = .standard) {
        self.config = config
        events.reserveCapacity(64); tracks.reserveCapacity(64)
        highDetections.reserveCapacity(64); lowDetections.reserveCapacity(64)
        detectionUsed.reserveCapacity(64); detectionConfirmed.reserveCapacity(64); roundTracks.reserveCapacity(64)
        roundDetections.reserveCapacity(64); costs.reserveCapacity(64 * 64)
        rowToColumn.reserveCapacity(64); startedNow.reserveCapacity(64)
    }

    /// Tracks one frame: its detections, fills `frame.faces` and `events`.
    public func update(_ frame: VideoFrame) {
        update(detections: frame.detections, detected: frame.detected, time: frame.seconds,
               frame: frame.index, sceneChange: frame.sceneChange, faces: &frame.faces)
    }

    /// Tracks one frame. `time` is the frame's stream time in seconds; `detected` is false
    /// when the detector did not run on it (then `detections` is ignored and tracks only
    /// move on their predictions); `sceneChange` is the picture's change from the previous
    /// frame (`SceneChangeMeter`). `faces` receives the confirmed tracks to show.
    public func update(detections: [Detection], detected: Bool, time: Double, frame: Int,
                       sceneChange: Float = 0, faces: inout [TrackedFace]) {
        events.removeAll(keepingCapacity: true)
        faces.removeAll(keepingCapacity: true)
        startedNow.removeAll(keepingCapacity: true)
        detectionConfirmed.removeAll(keepingCapacity: true)
        if config.isSceneCut(sceneChange) { endAll(reason: .sceneCut, time: time, frame: frame) }
        for i in tracks.indices {
            tracks[i].predict(to: time)
            tracks[i].matchedNow = false
        }
        if detected { associate(detections, time: time, frame: frame) }
        startedNow.append(contentsOf: repeatElement(false, count: tracks.count - startedNow.count))
        retireLostTracks(time: time, frame: frame)
        report(time: time, frame: frame, faces: &faces)
    }

    /// Ends every live confirmed track (`track_end`, reason end_of_stream) and resets the
    /// tracker. `time`/`frame` are those of the last frame of the stream.
    public func finish(time: Double, frame: Int) {
        events.removeAll(keepingCapacity: true)
        endAll(reason: .endOfStream, time: time, frame: frame)
    }

    /// Ends every confirmed track with `reason` and forgets the tentative ones.
    private func endAll(reason: FaceEvent.EndReason, time: Double, frame: Int) {
        for track in tracks where track.isConfirmed {
            events.append(endEvent(track, reason: reason, time: time, frame: frame))
        }
        tracks.removeAll(keepingCapacity: true)
    }

    /// Appends the filter box of every track kept after the last update: tentative ones, followed
    /// ones, and lost ones until they end (their prediction). What redaction hides.
    func appendLiveBoxes(to boxes: inout [Box]) {
        for track in tracks { boxes.append(track.filter.box) }
    }

    /// Whether detection `index` of the last update's detections was taken by a confirmed
    /// track (whose box `appendLiveBoxes` gives); false when detection did not run.
    func isTakenByConfirmedTrack(detection index: Int) -> Bool {
        detectionConfirmed.indices.contains(index) && detectionConfirmed[index]
    }

    /// Confirmed tracks currently kept (followed or lost), for diagnostics.
    var liveTrackCount: Int { tracks.reduce(0) { $0 + ($1.isConfirmed ? 1 : 0) } }

    // MARK: - Association

    private func associate(_ detections: [Detection], time: Double, frame: Int) {
        highDetections.removeAll(keepingCapacity: true)
        lowDetections.removeAll(keepingCapacity: true)
        detectionUsed.removeAll(keepingCapacity: true)
        detectionUsed.append(contentsOf: repeatElement(false, count: detections.count))
        detectionConfirmed.append(contentsOf: repeatElement(false, count: detections.count))
        for (d, detection) in detections.enumerated() where isUsable(detection.box) {
            if detection.score >= config.highScore { highDetections.append(d) }
            else if detection.score >= config.lowScore { lowDetections.append(d) }
        }

        // Round one: confident detections against every confirmed track, lost ones included,
        // so a face reappearing after an occlusion gets its old ID back.
        roundTracks.removeAll(keepingCapacity: true)
        for i in tracks.indices where tracks[i].isConfirmed { roundTracks.append(i) }
        roundDetections.removeAll(keepingCapacity: true)
        roundDetections.append(contentsOf: highDetections)
        matchRound(detections, minIoU: config.matchIoUHigh, fuseScore: config.fuseScore, time: time, frame: frame)

        // Round two: weak detections only continue tracks that were followed until now.
        roundTracks.removeAll(keepingCapacity: true)
        for i in tracks.indices where tracks[i].status == .tracked && !tracks[i].matchedNow { roundTracks.append(i) }
        roundDetections.removeAll(keepingCapacity: true)
        roundDetections.append(contentsOf: lowDetections)
        matchRound(detections, minIoU: config.matchIoULow, fuseScore: false, time: time, frame: frame)

        // Tentative tracks only get what confirmed tracks left.
        roundTracks.removeAll(keepingCapacity: true)
        for i in tracks.indices where tracks[i].status == .tentative { roundTracks.append(i) }
        roundDetections.removeAll(keepingCapacity: true)
        for d in highDetections where !detectionUsed[d] { roundDetections.append(d) }
        matchRound(detections, minIoU: config.matchIoUTentative, fuseScore: config.fuseScore, time: time, frame: frame)

        for i in tracks.indices {
            startedNow.append(false)
            if tracks[i].matchedNow {
                if tracks[i].status == .tentative {
                    if tracks[i].hits >= config.minHits { confirm(i) }
                } else {
                    tracks[i].status = .tracked
                }
            } else if tracks[i].status == .tracked {
                tracks[i].status = .lost
                tracks[i].filter.freezeSize()
            }
        }
        // A tentative track that misses once was most likely a false positive.
        var kept = 0
        for i in tracks.indices where tracks[i].status != .tentative || tracks[i].matchedNow {
            tracks.swapAt(kept, i)
            startedNow.swapAt(kept, i)
            kept += 1
        }
        tracks.removeLast(tracks.count - kept)
        startedNow.removeLast(startedNow.count - kept)

        for d in highDetections where !detectionUsed[d] && detections[d].score >= config.newTrackScore {
            tracks.append(Track(detection: detections[d], time: time, frame: frame, noise: config.kalman))
            startedNow.append(false)
            if config.minHits <= 1 { confirm(tracks.count - 1) }
        }
    }

    /// A broken box (empty, NaN, infinite) would poison a filter for good: such detections are skipped.
    private func isUsable(_ box: Box) -> Bool {
        box.x.isFinite && box.y.isFinite && box.width.isFinite && box.height.isFinite && box.width > 0 && box.height > 0
    }

    private func confirm(_ i: Int) {
        tracks[i].id = nextID
        nextID += 1
        tracks[i].status = .tracked
        startedNow[i] = true
    }

    /// Optimal IoU matching of `roundTracks` (rows) against `roundDetections` (columns).
    private func matchRound(_ detections: [Detection], minIoU: Float, fuseScore: Bool, time: Double, frame: Int) {
        let rows = roundTracks.count, cols = roundDetections.count
        guard rows > 0 && cols > 0 else { return }
        costs.removeAll(keepingCapacity: true)
        for t in roundTracks {
            let predicted = tracks[t].filter.box
            for d in roundDetections {
                let detection = detections[d]
                let iou = predicted.iou(detection.box)
                let similarity = fuseScore ? iou * detection.score : iou
                costs.append(1 - Double(similarity))
            }
        }
        // Allowed when similarity >= minIoU, i.e. cost <= 1 - minIoU.
        solver.match(costs: costs, rows: rows, cols: cols, limit: 1 - Double(minIoU) + 1e-9, rowToColumn: &rowToColumn)
        for r in 0..<rows where rowToColumn[r] >= 0 {
            let d = roundDetections[rowToColumn[r]]
            tracks[roundTracks[r]].absorb(detections[d], time: time, frame: frame)
            detectionUsed[d] = true
            detectionConfirmed[d] = tracks[roundTracks[r]].isConfirmed
        }
    }

    // MARK: - Lifecycle and output

    private func retireLostTracks(time: Double, frame: Int) {
        var kept = 0
        for i in tracks.indices {
            let track = tracks[i]
            if track.status == .lost && time - track.lastMatchTime > config.maxLostSeconds {
                events.append(endEvent(track, reason: .lost, time: time, frame: frame))
                continue
            }
            tracks.swapAt(kept, i)
            startedNow.swapAt(kept, i)
            kept += 1
        }
        tracks.removeLast(tracks.count - kept)
        startedNow.removeLast(startedNow.count - kept)
    }

    private func report(time: Double, frame: Int, faces: inout [TrackedFace]) {
        for i in tracks.indices where startedNow[i] {
            let track = tracks[i]
            events.append(FaceEvent(kind: .trackStart, time: time, frame: frame, track: track.id,
                                    box: track.filter.box, score: track.lastScore, matched: track.matchedNow))
        }
        for i in tracks.indices where isShown(tracks[i], at: time) {
            let track = tracks[i]
            let box = track.filter.box
            faces.append(TrackedFace(id: track.id, box: box, score: track.lastScore, matched: track.matchedNow))
            if frame - track.lastFaceEventFrame >= config.faceEveryFrames
                && time - track.lastFaceEventTime >= config.faceMinSeconds {
                tracks[i].lastFaceEventFrame = frame
                tracks[i].lastFaceEventTime = time
                events.append(FaceEvent(kind: .face, time: time, frame: frame, track: track.id, box: box,
                                        score: track.lastScore, matched: track.matchedNow))
            }
        }
    }

    private func isShown(_ track: Track, at time: Double) -> Bool {
        switch track.status {
        case .tentative: return false
        case .tracked: return true
        case .lost: return time - track.lastMatchTime <= config.showLostSeconds
        }
    }

    private func endEvent(_ track: Track, reason: FaceEvent.EndReason, time: Double, frame: Int) -> FaceEvent {
        FaceEvent(kind: .trackEnd, time: time, frame: frame, track: track.id, box: track.lastBox,
                  score: track.lastScore, matched: false, summary: track.summary(reason: reason))
    }
}
