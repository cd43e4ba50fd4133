import Capture
import FacepipeCore
import Foundation
import TestSupport

/// Test videos made by the ffmpeg CLI from the shared clip and photos, and FFmpeg's own answers
/// about them (frame counts, timestamps, decoded pixels) to check FFmpegSource against.
enum Fixture {
    static let clip = TestPaths.data("videos/short_hamilton_clip.mp4").path
    static let photos = TestPaths.data("photos/dlib_faces/images")

    static func photo(_ name: String = "2008_002506.jpg") -> String { photos.appendingPathComponent(name).path }

    /// Runs `ffmpeg -y -v error <arguments> <folder/name>` and returns the output path.
    @discardableResult
    static func make(_ name: String, in folder: URL, _ arguments: [String]) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try runTool("ffmpeg", ["-y", "-nostdin", "-v", "error"] + arguments + [path])
        return path
    }

    static func hasEncoder(_ name: String) -> Bool {
        guard let list = try? runTool("ffmpeg", ["-hide_banner", "-encoders"]) else { return false }
        return list.stdout.split(separator: "\n").contains { $0.split(separator: " ").dropFirst().first == Substring(name) }
    }

    /// What ffprobe finds when it decodes the first video stream: its `-count_frames` count and
    /// every frame's best-effort timestamp (nil where it has none). One ffprobe run for both.
    struct Probe {
        var frameCount: Int
        var timestamps: [Int64?]
    }

    static func probe(_ path: String) throws -> Probe {
        let out = try runTool("ffprobe", ["-v", "error", "-select_streams", "v:0", "-count_frames",
                                          "-show_entries", "stream=nb_read_frames:frame=best_effort_timestamp",
                                          "-of", "json", path])
        guard let json = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any],
              let streams = json["streams"] as? [[String: Any]],
              let countText = streams.first?["nb_read_frames"] as? String, let count = Int(countText) else {
            throw FixtureError("ffprobe gave no frame count for \(path): \(out.stdout.prefix(500))")
        }
        let frames = json["frames"] as? [[String: Any]] ?? []
        return Probe(frameCount: count,
                     timestamps: frames.map { ($0["best_effort_timestamp"] as? NSNumber)?.int64Value })
    }

    static func probeFrameCount(_ path: String) throws -> Int { try probe(path).frameCount }

    /// The first `frames` pictures decoded by the ffmpeg CLI to raw yuv420p, as one buffer.
    static func ffmpegI420(_ path: String, frames: Int, scratch: URL) throws -> [UInt8] {
        let raw = scratch.appendingPathComponent("reference-\(UUID().uuidString.prefix(6)).yuv").path
        try runTool("ffmpeg", ["-y", "-nostdin", "-v", "error", "-i", path, "-map", "0:v:0", "-frames:v", "\(frames)",
                               "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", raw])
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: raw)))
    }

    /// Copies of the first `keep` frames and the pts/size of all frames a source delivers.
    struct Decoded {
        var frames: [VideoFrame] = []
        var pts: [Int64] = []
        var indices: [Int] = []
        var sizes: [String] = []
    }

    static func decodeAll(_ source: FrameSource, keep: Int = 3) throws -> Decoded {
        var result = Decoded()
        let frame = VideoFrame()
        while try source.read(into: frame) {
            if result.frames.count < keep {
                let copy = VideoFrame()
                copy.copy(from: frame)
                result.frames.append(copy)
            }
            result.pts.append(frame.pts)
            result.indices.append(frame.index)
            result.sizes.append("\(frame.width)x\(frame.height)")
        }
        return result
    }

    /// Largest and mean absolute difference between a frame's planes and frame `n` of a raw
    /// I420 buffer of the same size.
    static func difference(_ frame: VideoFrame, rawI420 raw: [UInt8], frameNumber n: Int) -> (max: Int, mean: Double) {
        let w = frame.width, h = frame.height, cw = frame.chromaWidth, ch = frame.chromaHeight
        let frameBytes = w * h + 2 * cw * ch
        var offset = n * frameBytes
        guard offset + frameBytes <= raw.count else { return (Int.max, .infinity) }
        var worst = 0, total = 0
        for (plane, stride, rows, cols) in [(frame.planes.y, frame.strides.y, h, w),
                                            (frame.planes.u, frame.strides.u, ch, cw),
                                            (frame.planes.v, frame.strides.v, ch, cw)] {
            for r in 0..<rows {
                for c in 0..<cols {
                    let d = abs(Int(plane[r * stride + c]) - Int(raw[offset + r * cols + c]))
                    worst = max(worst, d)
                    total += d
                }
            }
            offset += rows * cols
        }
        return (worst, Double(total) / Double(frameBytes))
    }

    /// Copies the first `fraction` of a file's bytes to a new file.
    static func truncatedCopy(of path: String, fraction: Double, to name: String, in folder: URL) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let target = folder.appendingPathComponent(name)
        try data.prefix(Int(Double(data.count) * fraction)).write(to: target)
        return target.path
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
