import Capture

/// Everything `facepipe run` can be asked for; nil leaves the choice to the pipeline file,
/// the settings files or the input.
public struct RunRequest: Sendable {
    public enum SourceMode: String, Sendable, CaseIterable { case live, lossless }

    /// Pipeline description; nil: webcam-live for cameras, mp4-annotate otherwise.
    public var pipeline: String?
    /// A file, a stream URL or a camera (/dev/videoN); nil: the pipeline's default.
    public var input: String?
    /// Annotated video and face events ('-' is stdout); "none" disables one; nil: the pipeline's default.
    public var output: String?
    public var events: String?
    public var detector = DetectorChoice()
    public var redaction = RedactionChoice()
    public var trackerConfig = "Configs/tracker.yaml"
    public var detectEvery: Int?
    /// Live (drop frames rather than wait) or lossless (every frame); nil: from the input.
    public var mode: SourceMode?
    /// Camera size and rate requested.
    public var width: Int?
    public var height: Int?
    public var fps: Int?
    /// Streams: seconds to open (a listening input: for its sender to connect); nil: the source's default.
    public var openTimeout: Double?
    /// Cameras and streams: seconds without a frame or data before the run stops; nil: the source's default.
    public var readTimeout: Double?
    /// Files: the part of the input to process (seconds).
    public var start: Double?
    public var duration: Double?
    /// Files and streams: deliver frames at the input's own pace (ffmpeg's `-re`).
    public var realTime = false
    /// Replace existing outputs (-y) or never (-n); neither: ask on a terminal.
    public var overwrite = false
    public var noOverwrite = false
    public var encoder: String?
    public var crf: Int?
    public var preset: String?
    public var fragmented = false
    /// FFmpeg's own log lines shown.
    public var logLevel: FFmpegLog.Level = .quiet
    /// Only errors on stderr (no progress bar, no summary).
    public var quiet = false

    public init() {}
}
