/// Why a source could not be opened or read. Every case names the input so the message
/// alone tells the user what to fix.
enum CaptureError: Error, CustomStringConvertible, Equatable {
    /// A local path that does not exist.
    case fileNotFound(path: String)
    /// A local path that exists but cannot be read (permissions, a folder...).
    case unreadable(path: String, reason: String)
    /// FFmpeg could not open or recognise the input (not a media file, damaged header,
    /// refused connection, unknown protocol).
    case openFailed(input: String, reason: String)
    /// The input holds streams, but none is video (an audio file, subtitles...).
    case noVideoStream(input: String)
    /// The video codec has no decoder in this FFmpeg build.
    case noDecoder(input: String, codec: String)
    /// The decoder refused to start for this stream.
    case decoderFailed(input: String, reason: String)
    /// A network input stayed silent for longer than the allowed time.
    case timedOut(input: String, seconds: Double)
    /// Reading failed for good in the middle of the stream (connection lost, I/O error).
    case readFailed(input: String, reason: String)
    /// A frame could not be converted to I420 (swscale refused the format or size).
    case conversionFailed(input: String, reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file"
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .openFailed(let input, let reason):
            return "\(input): cannot open as video: \(reason)"
        case .noVideoStream(let input):
            return "\(input): contains no video stream"
        case .noDecoder(let input, let codec):
            return "\(input): no decoder for video codec '\(codec)' in this FFmpeg build"
        case .decoderFailed(let input, let reason):
            return "\(input): cannot start the video decoder: \(reason)"
        case .timedOut(let input, let seconds):
            return "\(input): no data for \(formatSeconds(seconds)) s, giving up"
        case .readFailed(let input, let reason):
            return "\(input): read failed: \(reason)"
        case .conversionFailed(let input, let reason):
            return "\(input): cannot convert frame to I420: \(reason)"
        }
    }
}

private func formatSeconds(_ s: Double) -> String {
    s == s.rounded() ? String(Int(s)) : String(s)
}
