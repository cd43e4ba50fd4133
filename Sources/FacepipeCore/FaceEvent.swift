/// One line of the face event stream (schema version 1, documented in README.md).
///
/// - `track_start`: a track was confirmed (first time it counts as a face).
/// - `face`: a confirmed track's box in one frame (throttled by the tracker's settings).
/// - `track_end`: a track was lost for good, the camera cut to another shot, or the stream ended while it was alive.
public struct FaceEvent: Sendable, Hashable {
    public static let schemaVersion = 1

    public enum Kind: String, Sendable, Hashable {
        case trackStart = "track_start"
        case face = "face"
        case trackEnd = "track_end"
    }

    public enum EndReason: String, Sendable, Hashable {
        case lost
        case endOfStream = "end_of_stream"
        /// The camera cut to another shot (the tracker's `scene_cut`).
        case sceneCut = "scene_cut"
    }

    /// Summary carried by `track_end` events.
    public struct Summary: Sendable, Hashable {
        public var firstTime: Double
        public var lastTime: Double
        public var firstFrame: Int
        public var lastFrame: Int
        /// Frames in which a detection matched the track.
        public var hits: Int
        public var bestScore: Float
        public var bestBox: Box
        public var reason: EndReason
        public var duration: Double { lastTime - firstTime }
        public init(firstTime: Double, lastTime: Double, firstFrame: Int, lastFrame: Int, hits: Int,
                    bestScore: Float, bestBox: Box, reason: EndReason) {
            self.firstTime = firstTime; self.lastTime = lastTime; self.firstFrame = firstFrame
            self.lastFrame = lastFrame; self.hits = hits; self.bestScore = bestScore
            self.bestBox = bestBox; self.reason = reason
        }
    }

    public var kind: Kind
    /// Stream time in seconds of the frame the event belongs to.
    public var time: Double
    public var frame: Int
    public var track: Int
    /// Box in source pixels at that frame.
    public var box: Box
    public var score: Float
    /// False when the box is the tracker's prediction rather than a matched detection.
    public var matched: Bool
    public var summary: Summary?

    public init(kind: Kind, time: Double, frame: Int, track: Int, box: Box, score: Float,
                matched: Bool = true, summary: Summary? = nil) {
        self.kind = kind; self.time = time; self.frame = frame; self.track = track
        self.box = box; self.score = score; self.matched = matched; self.summary = summary
    }
}
