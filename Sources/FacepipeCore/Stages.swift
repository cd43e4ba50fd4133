/// What a source says about its stream before the first frame.
public struct SourceInfo: Sendable, Hashable {
    public var width: Int
    public var height: Int
    /// Nominal frame rate (0/1 when unknown).
    public var frameRate: Rational
    /// Time base of the frames' `pts`.
    public var timeBase: Rational
    /// Live sources (cameras, network streams) never wait for slow stages: the pipeline
    /// drops frames for them instead of applying back-pressure.
    public var isLive: Bool
    /// Duration in seconds and frame count when the container knows them (files), for progress/ETA.
    public var duration: Double?
    public var frameCount: Int?
    /// A short human description: "h264 640x360 29.97 fps from clip.mp4".
    public var summary: String
    /// What the source did that the user should know (one stderr line each), e.g. a rotation.
    public var notes: [String] = []
    /// Stream time (seconds) where `duration` starts counting: the start of a part taken with `--start`.
    public var durationStartsAt: Double = 0

    public init(width: Int, height: Int, frameRate: Rational, timeBase: Rational, isLive: Bool,
                duration: Double? = nil, frameCount: Int? = nil, summary: String) {
        self.width = width; self.height = height; self.frameRate = frameRate; self.timeBase = timeBase
        self.isLive = isLive; self.duration = duration; self.frameCount = frameCount; self.summary = summary
    }
}

/// A producer of decoded frames (FFmpeg files/URLs, V4L2 cameras). Used from one thread.
public protocol FrameSource: AnyObject {
    var info: SourceInfo { get }
    /// Fills `frame` (reshaping it as needed) with the next picture. Returns false at the end
    /// of the stream. Throws for faults (corrupt data beyond recovery, camera unplugged...).
    func read(into frame: VideoFrame) throws -> Bool
    /// Damaged data skipped so far (packets that failed to decode), reported in the summary.
    var skippedPackets: Int { get }
    /// Releases the device or file. Safe to call twice.
    func close()
}

/// A consumer of finished frames (annotated video writer). Used from one thread.
public protocol FrameSink: AnyObject {
    func write(_ frame: VideoFrame) throws
    /// Flushes and finalises the output so it is complete and playable. Safe to call twice.
    func finish() throws
}

/// A consumer of face events (JSON Lines writer). Used from one thread.
public protocol EventSink: AnyObject {
    func emit(_ event: FaceEvent) throws
    /// Makes everything emitted so far durable (flushed to the OS).
    func flush() throws
    func finish() throws
}

/// One step of the frame path between capture and the sinks (detect, track, draw, write),
/// run on its own thread by the pipeline. Stages never drop frames themselves: the rings
/// between them do, by their policy.
public protocol FrameStage: AnyObject {
    /// Short name for the summary ("detect", "track", "overlay", "encode").
    var name: String { get }
    /// Works on one frame in place (fills detections, faces, pixels...). Frames arrive in order.
    func process(_ frame: VideoFrame) throws
    /// Called once after the last frame, also after a stop or a fault upstream:
    /// emit end-of-stream events, flush, finalise files. `lastTime`/`lastFrame` are the
    /// stream time and index of the last frame that reached this stage (-1 if none).
    func finish(lastTime: Double, lastFrame: Int) throws
}

/// A stage that makes face events. A frame's events travel on it (`VideoFrame.events`) to the
/// pipeline's sink side, which writes them after the frame; the events its `finish` makes
/// (tracks ended by the end of the stream) are taken from here once every stage has finished.
public protocol EventMakingStage: FrameStage {
    func takeFinalEvents() -> [FaceEvent]
}
