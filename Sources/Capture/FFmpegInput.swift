import Foundation

/// Where an FFmpeg source reads from: a local file or a protocol URL, and whether that
/// protocol delivers a stream as it happens (live) or a recording that can be read at any pace.
struct FFmpegInput {
    /// Exactly what is handed to avformat_open_input.
    let location: String
    /// Lowercased protocol ("rtsp", "tcp"...), nil for a plain path.
    let scheme: String?

    /// Protocols that carry a stream in real time: the pipeline must keep up or drop frames.
    static let liveSchemes: Set<String> = [
        "rtsp", "rtsps", "rtmp", "rtmps", "rtmpe", "rtmpt", "rtmpte", "rtmpts",
        "udp", "udplite", "tcp", "tls", "srt", "rtp", "srtp", "sctp", "mmsh", "mmst", "zmq",
    ]
    /// Protocols that may carry either a recording or a live feed (an MP4 download, a live HLS
    /// playlist): live when the container reports no duration.
    static let durationDecidesSchemes: Set<String> = ["http", "https", "hls", "ftp", "sftp"]

    init(_ location: String) {
        // "-" is the usual command-line name for standard input.
        self.location = location == "-" ? "pipe:0" : location
        scheme = FFmpegInput.parseScheme(self.location)
    }

    /// The path on disk, for plain paths and file: URLs.
    var localPath: String? {
        guard let scheme else { return location }
        guard scheme == "file" else { return nil }
        var path = String(location.dropFirst("file:".count))
        if path.hasPrefix("//") { path.removeFirst(2) }
        return path
    }

    var isNetwork: Bool { scheme != nil && scheme != "file" && scheme != "pipe" }

    /// Live or not, once the container's duration is known (nil: unknown).
    func isLive(containerDuration: Double?) -> Bool {
        guard let scheme else { return false }
        if FFmpegInput.liveSchemes.contains(scheme) { return true }
        if FFmpegInput.durationDecidesSchemes.contains(scheme) { return containerDuration == nil }
        return false
    }

    /// The name used in messages and the summary: file name for paths, the URL without
    /// credentials (user:password@) otherwise.
    var displayName: String {
        if let path = localPath { return path }
        guard let schemeEnd = location.range(of: "://") else { return location }
        let rest = location[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return location }
        return String(location[..<schemeEnd.upperBound]) + rest[rest.index(after: at)...]
    }

    /// "rtsp://host/x" -> "rtsp"; "file:a.mp4" -> "file"; "pipe:0" -> "pipe"; "/a/b.mp4" -> nil.
    /// A drive-letter-like one-character prefix is not a protocol.
    private static func parseScheme(_ s: String) -> String? {
        guard let colon = s.firstIndex(of: ":") else { return nil }
        let name = s[..<colon]
        guard name.count > 1, let first = name.first, first.isLetter,
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
        else { return nil }
        let lower = name.lowercased()
        // "clip:take2.mp4" is a file name unless FFmpeg would read it as a protocol.
        let rest = s[s.index(after: colon)...]
        if rest.hasPrefix("//") || lower == "file" || lower == "pipe" { return lower }
        return nil
    }
}
