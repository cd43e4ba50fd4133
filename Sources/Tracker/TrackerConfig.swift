import FacepipeCore

/// Tracker settings, read from Configs/tracker.yaml (every key is documented there).
/// Times are in seconds of stream time, never in frames, so dropped frames and
/// `--detect-every N` leave the behaviour unchanged.
public struct TrackerConfig: Decodable, Sendable, Equatable {
    /// Detections at or above this score take part in round one and may start tracks.
    var highScore: Float
    /// Detections in [lowScore, highScore) only take part in round two; lower ones are ignored.
    public var lowScore: Float
    /// A detection left unmatched needs at least this score to start a tentative track.
    var newTrackScore: Float
    /// Round one (high-score detections vs confirmed tracks): least IoU for a match.
    var matchIoUHigh: Float
    /// Round two (low-score detections vs tracks still unmatched): least IoU for a match.
    var matchIoULow: Float
    /// Tentative tracks vs high-score detections left over from round one: least IoU.
    var matchIoUTentative: Float
    /// Round one ranks pairs by IoU x detection score instead of IoU alone.
    var fuseScore: Bool
    /// Consecutive detected frames a tentative track must be matched in before it is confirmed.
    public var minHits: Int
    /// How long a confirmed track is kept (predicted) without a match before it ends.
    var maxLostSeconds: Double
    /// How long a lost track's predicted box is still reported as a face.
    var showLostSeconds: Double
    /// `face` events for a track: at most one every `faceEveryFrames` frames...
    var faceEveryFrames: Int
    /// ...and at least this many seconds apart (0: no time limit).
    var faceMinSeconds: Double
    /// A frame whose picture changed this much from the previous one (`VideoFrame.sceneChange`)
    /// is a camera cut: every track ends there (reason scene_cut). 0 turns cut handling off.
    var sceneCut: Float
    var kalman: KalmanNoise

    /// Whether a frame with this picture change (`VideoFrame.sceneChange`) is a camera cut.
    public func isSceneCut(_ change: Float) -> Bool { sceneCut > 0 && change >= sceneCut }

    /// Noise of the constant-velocity box filter, as fractions of the box size
    /// (width for x and width, height for y and height), so one setting fits near and far faces.
    public struct KalmanNoise: Decodable, Sendable, Equatable {
        /// Random walk of the position, per square-root second.
        var positionNoise: Double
        /// Random walk of the velocity (size fractions per second), per square-root second.
        var velocityNoise: Double
        /// Standard deviation of a detection's box edges.
        var measurementNoise: Double
        /// Uncertainty of a new track's velocity (size fractions per second).
        var initialVelocityStd: Double

        public init(positionNoise: Double, velocityNoise: Double, measurementNoise: Double, initialVelocityStd: Double) {
            self.positionNoise = positionNoise; self.velocityNoise = velocityNoise
            self.measurementNoise = measurementNoise; self.initialVelocityStd = initialVelocityStd
        }

        enum CodingKeys: String, CodingKey {
            case positionNoise = "position_noise", velocityNoise = "velocity_noise"
            case measurementNoise = "measurement_noise", initialVelocityStd = "initial_velocity_std"
        }
    }

    enum CodingKeys: String, CodingKey {
        case highScore = "high_score", lowScore = "low_score", newTrackScore = "new_track_score"
        case matchIoUHigh = "match_iou_high", matchIoULow = "match_iou_low", matchIoUTentative = "match_iou_tentative"
        case fuseScore = "fuse_score", minHits = "min_hits"
        case maxLostSeconds = "max_lost_seconds", showLostSeconds = "show_lost_seconds"
        case faceEveryFrames = "face_every_frames", faceMinSeconds = "face_min_seconds"
        case sceneCut = "scene_cut"
        case kalman
    }

    /// The values shipped in Configs/tracker.yaml (a test keeps the two equal).
    public static let standard = TrackerConfig(
        highScore: 0.7, lowScore: 0.2, newTrackScore: 0.9,
        matchIoUHigh: 0.2, matchIoULow: 0.5, matchIoUTentative: 0.3, fuseScore: true,
        minHits: 3, maxLostSeconds: 1.5, showLostSeconds: 0.25,
        faceEveryFrames: 1, faceMinSeconds: 0, sceneCut: 0.09,
        kalman: KalmanNoise(positionNoise: 0.25, velocityNoise: 1.0, measurementNoise: 0.1, initialVelocityStd: 2.0))

    public init(highScore: Float, lowScore: Float, newTrackScore: Float, matchIoUHigh: Float, matchIoULow: Float,
                matchIoUTentative: Float, fuseScore: Bool, minHits: Int, maxLostSeconds: Double,
                showLostSeconds: Double, faceEveryFrames: Int, faceMinSeconds: Double, sceneCut: Float,
                kalman: KalmanNoise) {
        self.highScore = highScore; self.lowScore = lowScore; self.newTrackScore = newTrackScore
        self.matchIoUHigh = matchIoUHigh; self.matchIoULow = matchIoULow; self.matchIoUTentative = matchIoUTentative
        self.fuseScore = fuseScore; self.minHits = minHits; self.maxLostSeconds = maxLostSeconds
        self.showLostSeconds = showLostSeconds; self.faceEveryFrames = faceEveryFrames
        self.faceMinSeconds = faceMinSeconds; self.sceneCut = sceneCut; self.kalman = kalman
    }

    /// Reads and checks a settings file; errors name the file and the bad key.
    public static func load(fromFile path: String) throws -> TrackerConfig {
        let config = try StrictYAML.decode(TrackerConfig.self, fromFile: path)
        try config.validate(file: path)
        return config
    }

    /// Checks the ranges and the relations between keys that decoding alone cannot.
    public func validate(file: String = "<config>") throws {
        func check(_ ok: Bool, _ key: String, _ problem: String) throws {
            if !ok { throw TrackerConfigError(file: file, key: key, problem: problem) }
        }
        try check((0...1).contains(highScore), "high_score", "must be in 0...1, found \(highScore)")
        try check((0...1).contains(lowScore), "low_score", "must be in 0...1, found \(lowScore)")
        try check(lowScore <= highScore, "low_score", "must not exceed high_score (\(lowScore) > \(highScore))")
        try check(newTrackScore >= highScore && newTrackScore <= 1, "new_track_score",
                  "must be in high_score...1, found \(newTrackScore)")
        for (key, value) in [("match_iou_high", matchIoUHigh), ("match_iou_low", matchIoULow),
                             ("match_iou_tentative", matchIoUTentative)] {
            try check(value > 0 && value <= 1, key, "must be in (0, 1], found \(value)")
        }
        try check(minHits >= 1, "min_hits", "must be at least 1, found \(minHits)")
        try check(maxLostSeconds >= 0 && maxLostSeconds.isFinite, "max_lost_seconds", "must be >= 0, found \(maxLostSeconds)")
        try check(showLostSeconds >= 0 && showLostSeconds <= maxLostSeconds, "show_lost_seconds",
                  "must be in 0...max_lost_seconds, found \(showLostSeconds)")
        try check(faceEveryFrames >= 1, "face_every_frames", "must be at least 1, found \(faceEveryFrames)")
        try check(faceMinSeconds >= 0, "face_min_seconds", "must be >= 0, found \(faceMinSeconds)")
        try check((0...1).contains(sceneCut), "scene_cut", "must be in 0...1 (0: off), found \(sceneCut)")
        for (key, value) in [("kalman.position_noise", kalman.positionNoise), ("kalman.velocity_noise", kalman.velocityNoise),
                             ("kalman.measurement_noise", kalman.measurementNoise),
                             ("kalman.initial_velocity_std", kalman.initialVelocityStd)] {
            try check(value > 0 && value.isFinite, key, "must be > 0, found \(value)")
        }
    }
}

/// A tracker setting that is well-formed YAML but out of range.
struct TrackerConfigError: Error, CustomStringConvertible {
    public var file: String
    public var key: String
    public var problem: String
    public var description: String { "\(file): \(key): \(problem)" }
}
