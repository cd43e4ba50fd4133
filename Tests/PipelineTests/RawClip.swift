import Foundation
import FacepipeCore
import TestSupport

/// Real frames for pipeline tests: the first frames of short_hamilton_clip.mp4, decoded and
/// scaled by the ffmpeg CLI to raw yuv420p once per test run.
enum RawClip {
    static let width = 128
    static let height = 72
    static let frameCount = 48
    static var ySize: Int { width * height }
    static var chromaSize: Int { (width / 2) * (height / 2) }
    static var frameSize: Int { ySize + 2 * chromaSize }

    static let bytes: Result<[UInt8], Error> = Result {
        let dir = try TestPaths.scratch("pipeline-raw")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("frames.yuv")
        try runTool("ffmpeg", ["-v", "error", "-nostdin", "-i", TestPaths.data("videos/short_hamilton_clip.mp4").path,
                               "-vf", "scale=\(width):\(height)", "-frames:v", "\(frameCount)",
                               "-f", "rawvideo", "-pix_fmt", "yuv420p", "-y", out.path])
        let data = try Data(contentsOf: out)
        guard data.count == frameCount * frameSize else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey:
                "expected \(frameCount * frameSize) bytes of raw video, got \(data.count)"])
        }
        return [UInt8](data)
    }

    static func data() throws -> [UInt8] { try bytes.get() }

    /// FNV-1a over the luma of each raw frame, to check what reaches the sink.
    static let rawLumaHashes: Result<[UInt64], Error> = Result {
        let all = try data()
        return (0..<frameCount).map { n in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in all[(n * frameSize)..<(n * frameSize + ySize)] { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            return h
        }
    }

    static func lumaHash(of frame: VideoFrame) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for r in 0..<frame.height {
            let row = frame.planes.y + r * frame.strides.y
            for c in 0..<frame.width { h = (h ^ UInt64(row[c])) &* 0x100_0000_01b3 }
        }
        return h
    }
}
