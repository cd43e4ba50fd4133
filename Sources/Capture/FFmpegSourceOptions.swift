/// How an `FFmpegSource` opens its input.
public struct FFmpegSourceOptions: Sendable {
    /// Overrides live detection: nil decides from the protocol (rtsp/rtmp/udp/tcp/srt/rtp... are
    /// live, files are not, http/hls are live when they report no duration).
    public var isLive: Bool?
    /// Seconds a network input may take to connect, accept (`?listen=1`) and probe.
    public var openTimeout: Double
    /// Seconds a network stream may stay silent before `read` throws `CaptureError.timedOut`.
    public var readTimeout: Double
    /// Decoder threads; 0 lets FFmpeg choose from the core count.
    var decoderThreads: Int
    /// Extra demuxer and protocol options for avformat_open_input, e.g. ["rtsp_transport": "tcp"].
    var formatOptions: [String: String]
    /// Files: seconds from the input's start to begin at (ffmpeg's input `-ss`); frames before it
    /// are decoded but not delivered, so the first frame delivered is the first at or after it.
    public var start: Double?
    /// Seconds of input to deliver from `start` (ffmpeg's `-t`); nil: to the end.
    public var duration: Double?
    /// Turn frames upright as the stream's display matrix asks (ffmpeg's autorotate).
    var autorotate = true
    /// Deliver each frame no sooner than its stream time after the first one (ffmpeg's `-re`):
    /// a file then arrives at its own frame rate, as a camera's frames do.
    public var realTime = false

    public init(isLive: Bool? = nil, openTimeout: Double = 10, readTimeout: Double = 10,
                decoderThreads: Int = 0, formatOptions: [String: String] = [:]) {
        self.isLive = isLive
        self.openTimeout = openTimeout
        self.readTimeout = readTimeout
        self.decoderThreads = decoderThreads
        self.formatOptions = formatOptions
    }
}
