import FacepipeCore

/// One followed object and its history, as the tracker keeps it between frames.
struct Track {
    enum Status {
        /// Matched in fewer than `min_hits` consecutive detected frames so far; not yet a face.
        case tentative
        /// Confirmed and matched in the last detected frame.
        case tracked
        /// Confirmed, but missed since `lastMatchTime`; coasting on its prediction.
        case lost
    }

    /// Public identity, given at confirmation (0 while tentative) so that false
    /// positives never use up numbers.
    var id = 0
    var status = Status.tentative
    var filter: BoxKalmanFilter
    /// Stream time the filter state refers to.
    var filterTime: Double
    var hits = 1
    var firstTime: Double
    var firstFrame: Int
    var lastMatchTime: Double
    var lastMatchFrame: Int
    var lastScore: Float
    var lastBox: Box
    var bestScore: Float
    var bestBox: Box
    /// Matched in the frame being processed.
    var matchedNow = true
    var lastFaceEventFrame = -(1 << 40) // far enough back for any throttle, without overflow
    var lastFaceEventTime = -Double.infinity

    init(detection: Detection, time: Double, frame: Int, noise: TrackerConfig.KalmanNoise) {
        filter = BoxKalmanFilter(box: detection.box, noise: noise)
        filterTime = time
        firstTime = time; firstFrame = frame
        lastMatchTime = time; lastMatchFrame = frame
        lastScore = detection.score; lastBox = detection.box
        bestScore = detection.score; bestBox = detection.box
    }

    var isConfirmed: Bool { status != .tentative }

    mutating func predict(to time: Double) {
        filter.predict(dt: time - filterTime)
        if time > filterTime { filterTime = time }
    }

    mutating func absorb(_ detection: Detection, time: Double, frame: Int) {
        filter.update(box: detection.box)
        hits += 1
        lastMatchTime = time; lastMatchFrame = frame
        lastScore = detection.score; lastBox = detection.box
        if detection.score > bestScore { bestScore = detection.score; bestBox = detection.box }
        matchedNow = true
    }

    func summary(reason: FaceEvent.EndReason) -> FaceEvent.Summary {
        FaceEvent.Summary(firstTime: firstTime, lastTime: lastMatchTime, firstFrame: firstFrame,
                          lastFrame: lastMatchFrame, hits: hits, bestScore: bestScore, bestBox: bestBox, reason: reason)
    }
}
