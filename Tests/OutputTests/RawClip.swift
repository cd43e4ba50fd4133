import FacepipeCore
import Foundation
import TestSupport
import Testing

/// Real frames for the writer tests: the first frames of a shared clip decoded by the ffmpeg CLI
/// to raw yuv420p, with the clip's own timestamps read by ffprobe.
struct RawClip {
    let width: Int
    let height: Int
    let count: Int
    let timeBase: Rational
    let frameRate: Rational
    /// The source's presentation timestamps of the decoded frames, in `timeBase`.
    let pts: [Int64]
    let pixels: Data

    static let hamilton = TestPaths.data("videos/short_hamilton_clip.mp4")

    /// `size` rescales the pictures (odd sizes for the padding tests).
    static func decode(_ video: URL, frames: Int, size: (width: Int, height: Int)? = nil, into folder: URL) throws -> RawClip {
        let raw = folder.appendingPathComponent("frames.yuv")
        var arguments = ["-v", "error", "-y", "-i", video.path, "-frames:v", String(frames), "-fps_mode", "passthrough"]
        // crop snaps to even sizes for 4:2:0, so odd sizes are made by scaling.
        if let size { arguments += ["-vf", "scale=\(size.width):\(size.height)"] }
        try runTool("ffmpeg", arguments + ["-f", "rawvideo", "-pix_fmt", "yuv420p", raw.path])

        // Only the first packets are read (a few more than the frames, for the decoder's reordering delay).
        let probe = try ffprobeJSON(video, ["-select_streams", "v:0", "-read_intervals", "%+#\(frames + 16)", "-show_entries",
                                            "stream=width,height,time_base,r_frame_rate:frame=best_effort_timestamp"])
        let stream = try #require((probe["streams"] as? [[String: Any]])?.first)
        let allPts = ((probe["frames"] as? [[String: Any]]) ?? []).compactMap { ($0["best_effort_timestamp"] as? NSNumber)?.int64Value }
        let width = size?.width ?? (stream["width"] as! Int)
        let height = size?.height ?? (stream["height"] as! Int)
        let pixels = try Data(contentsOf: raw)
        let frameBytes = width * height + 2 * ((width + 1) / 2) * ((height + 1) / 2)
        guard pixels.count == frames * frameBytes, allPts.count >= frames else {
            throw ClipError(description: "decoding \(video.lastPathComponent) gave \(pixels.count) bytes for \(frames) frames"
                + " of \(frameBytes) bytes and \(allPts.count) timestamps")
        }
        return RawClip(width: width, height: height, count: frames,
                       timeBase: rational(stream["time_base"] as! String), frameRate: rational(stream["r_frame_rate"] as! String),
                       pts: Array(allPts.prefix(frames)), pixels: pixels)
    }

    var frameBytes: Int { width * height + 2 * ((width + 1) / 2) * ((height + 1) / 2) }

    func sourceInfo(live: Bool = false) -> SourceInfo {
        SourceInfo(width: width, height: height, frameRate: frameRate, timeBase: timeBase, isLive: live,
                   summary: "test clip \(width)x\(height)")
    }

    func seconds(_ i: Int) -> Double { Double(pts[i]) * timeBase.value }

    /// Fills a pooled frame with picture `i`, its pts and index, as capture would.
    func fill(_ frame: VideoFrame, with i: Int) {
        frame.reshape(width: width, height: height)
        let chromaWidth = (width + 1) / 2, chromaHeight = (height + 1) / 2
        pixels.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
            var source = all.baseAddress!.assumingMemoryBound(to: UInt8.self) + i * frameBytes
            for (plane, stride, rows, columns) in [(frame.planes.y, frame.strides.y, height, width),
                                                   (frame.planes.u, frame.strides.u, chromaHeight, chromaWidth),
                                                   (frame.planes.v, frame.strides.v, chromaHeight, chromaWidth)] {
                for row in 0..<rows { (plane + row * stride).update(from: source + row * columns, count: columns) }
                source += rows * columns
            }
        }
        frame.pts = pts[i]
        frame.timeBase = timeBase
        frame.index = i
    }
}

struct ClipError: Error, CustomStringConvertible { var description: String }

func rational(_ text: String) -> Rational {
    let parts = text.split(separator: "/").map { Int32($0) ?? 0 }
    return Rational(parts[0], parts.count > 1 ? parts[1] : 1)
}

func ffprobeJSON(_ file: URL, _ arguments: [String]) throws -> [String: Any] {
    let result = try runTool("ffprobe", ["-v", "error", "-of", "json"] + arguments + [file.path])
    return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
}

/// What ffprobe reads back from a written file.
struct ProbedVideo {
    var codec: String
    var width: Int
    var height: Int
    var decodedFrames: Int
    var hasBFrames: Int
    var duration: Double
    /// Presentation times in seconds, in presentation order.
    var frameTimes: [Double]
    var audioCodec: String?
    var audioPackets: [(time: Double, size: Int)]

    init(_ file: URL) throws {
        let video = try ffprobeJSON(file, ["-count_frames", "-select_streams", "v:0", "-show_entries",
            "stream=codec_name,width,height,nb_read_frames,has_b_frames,duration,time_base:frame=best_effort_timestamp_time"])
        let stream = try #require((video["streams"] as? [[String: Any]])?.first)
        codec = stream["codec_name"] as! String
        width = stream["width"] as! Int
        height = stream["height"] as! Int
        decodedFrames = Int(stream["nb_read_frames"] as! String)!
        hasBFrames = stream["has_b_frames"] as? Int ?? 0
        duration = Double(stream["duration"] as? String ?? "") ?? -1
        frameTimes = ((video["frames"] as? [[String: Any]]) ?? []).compactMap { Double($0["best_effort_timestamp_time"] as? String ?? "") }
        audioCodec = (try ffprobeJSON(file, ["-select_streams", "a", "-show_entries", "stream=codec_name"])["streams"]
            as? [[String: Any]])?.first?["codec_name"] as? String
        audioPackets = try Self.audioPackets(of: file)
    }

    /// Time (s) and size of every audio packet, in file order.
    static func audioPackets(of file: URL) throws -> [(time: Double, size: Int)] {
        let audio = try ffprobeJSON(file, ["-select_streams", "a", "-show_entries", "packet=pts_time,size"])
        return ((audio["packets"] as? [[String: Any]]) ?? []).map {
            (Double($0["pts_time"] as? String ?? "") ?? .nan, Int($0["size"] as? String ?? "") ?? -1)
        }
    }
}

/// Mean absolute difference of the luma of `clip` against `file` decoded back by ffmpeg,
/// over the clip's own area (the writer may have padded the picture to `encoded` size).
func lumaDifference(of file: URL, against clip: RawClip, encoded: (width: Int, height: Int)? = nil,
                    in folder: URL) throws -> Double {
    let raw = folder.appendingPathComponent("decoded.yuv")
    try runTool("ffmpeg", ["-v", "error", "-y", "-i", file.path, "-fps_mode", "passthrough",
                           "-f", "rawvideo", "-pix_fmt", "yuv420p", raw.path])
    let decoded = try Data(contentsOf: raw)
    let width = encoded?.width ?? clip.width, height = encoded?.height ?? clip.height
    let decodedFrameBytes = width * height * 3 / 2
    guard decoded.count == clip.count * decodedFrameBytes else { return .infinity }
    var total = 0, samples = 0
    decoded.withUnsafeBytes { (a: UnsafeRawBufferPointer) in
        clip.pixels.withUnsafeBytes { (b: UnsafeRawBufferPointer) in
            for frame in 0..<clip.count {
                for row in stride(from: 0, to: clip.height, by: 3) {
                    let rowA = frame * decodedFrameBytes + row * width, rowB = frame * clip.frameBytes + row * clip.width
                    for column in 0..<clip.width {
                        total += abs(Int(a[rowA + column]) - Int(b[rowB + column])); samples += 1
                    }
                }
            }
        }
    }
    return Double(total) / Double(samples)
}
