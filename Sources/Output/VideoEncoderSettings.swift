/// How the annotated video is compressed.
public struct VideoEncoderSettings: Sendable, Hashable {
    /// FFmpeg encoder tried first. When this build of FFmpeg lacks it, the writer falls back
    /// to FFmpeg's built-in `mpeg4` (MPEG-4 Part 2) and says so in `encoderDescription`.
    public var encoder: String
    /// x264 speed/size trade-off (ultrafast ... placebo).
    public var preset: String
    /// x264 constant rate factor, 0 (lossless) ... 51; 23 is visually good, +6 halves the size.
    public var crf: Int
    /// x264 tuning; nil picks "zerolatency" for live sources (no B-frames, no lookahead) and none for files.
    public var tune: String?
    /// Quantiser of the mpeg4 fallback, 2 (best) ... 31.
    var fallbackQuantiser: Int
    /// Whether a missing `encoder` falls back to mpeg4; false when the user named the encoder,
    /// so a missing one is an error instead of a surprise.
    public var allowsFallback = true
    /// Frames between keyframes; nil leaves it to the encoder. Fragmented output sets it so a
    /// fragment (which starts on a keyframe) is cut about every second.
    public var keyframeInterval: Int?
    /// Shift timestamps so the first frame is at 0 (a part of a file taken with `--start` plays
    /// from its beginning, as with ffmpeg's input -ss); false keeps the source's own timestamps.
    public var startsAtZero = false

    public init(encoder: String = "libx264", preset: String = "veryfast", crf: Int = 23, tune: String? = nil,
                fallbackQuantiser: Int = 4) {
        self.encoder = encoder; self.preset = preset; self.crf = crf; self.tune = tune
        self.fallbackQuantiser = fallbackQuantiser
    }

    static let fallbackEncoder = "mpeg4"
    /// libx264's presets, fastest first.
    static let x264Presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium",
                                     "slow", "slower", "veryslow", "placebo"]

    func validate() throws {
        guard (0...51).contains(crf) else { throw OutputError.badSettings("crf \(crf) is outside 0...51") }
        guard (2...31).contains(fallbackQuantiser) else {
            throw OutputError.badSettings("fallback quantiser \(fallbackQuantiser) is outside 2...31")
        }
        if encoder == "libx264" && !Self.x264Presets.contains(preset) {
            throw OutputError.badSettings("preset '\(preset)' is not one of libx264's: \(Self.x264Presets.joined(separator: ", "))")
        }
        guard !encoder.isEmpty else { throw OutputError.badSettings("the encoder name is empty") }
        if let keyframeInterval, keyframeInterval < 1 {
            throw OutputError.badSettings("keyframe interval \(keyframeInterval) must be at least 1")
        }
    }
}
