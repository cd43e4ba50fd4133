import Foundation
import FacepipeCore
import TestSupport

/// A fake camera for the V4L2 tests: frames decoded by the ffmpeg CLI from a real clip, served
/// through libv4l2 by the plugin in Tests/FakeCamera (installed once per test run).
struct V4L2FakeCamera {
    /// The file V4L2Source opens in place of /dev/videoN.
    let path: String
    let folder: URL
    let width: Int
    let height: Int
    let frameCount: Int

    struct PluginMissing: Error, CustomStringConvertible {
        var description: String
    }

    /// Builds and installs the plugin once (Tests/FakeCamera/install.sh: quick and idempotent).
    private static let pluginInstall: Result<Void, PluginMissing> = {
        let script = TestPaths.repo("Tests/FakeCamera/install.sh").path
        do {
            try runTool("sh", [script])
            return .success(())
        } catch {
            return .failure(PluginMissing(description: """
                the fake camera libv4l2 plugin could not be installed (run Tests/FakeCamera/install.sh as root): \(error)
                """))
        }
    }()

    static func requirePlugin() throws { try pluginInstall.get() }

    static let clip = TestPaths.data("videos/short_hamilton_clip.mp4").path
    /// Seconds into the clip where people move, so consecutive frames differ.
    static let clipStart = "3"

    /// Makes a camera serving `frames` frames of the clip, downscaled to width x height.
    /// `format`: YUYV, NV12, RGB3 (raw) or MJPG (one JPEG per frame); `extra` lines are added
    /// to the description as they are (io, caps, vanish_after, stall_after).
    static func make(format: String, width: Int = 320, height: Int = 180, frames: Int = 8,
                     fps: Int = 30, extra: [String] = []) throws -> V4L2FakeCamera {
        try requirePlugin()
        let folder = try TestPaths.scratch("v4l2-\(format)")
        let input = ["-v", "error", "-y", "-ss", clipStart, "-i", clip, "-frames:v", "\(frames)",
                     "-vf", "scale=\(width):\(height)"]
        var lines = ["facepipe-fake-camera 1", "format \(format)", "size \(width) \(height)", "fps \(fps)"]
        switch format {
        case "MJPG":
            let pattern = folder.appendingPathComponent("frame%04d.jpg").path
            // 4:2:2 JPEGs, as webcams send them.
            try runTool("ffmpeg", input + ["-pix_fmt", "yuvj422p", "-c:v", "mjpeg", "-q:v", "3", "-f", "image2", pattern])
            lines += ["frames \(pattern)", "count \(frames)"]
        default:
            let pixelFormat = ["YUYV": "yuyv422", "NV12": "nv12", "RGB3": "rgb24"][format]!
            let raw = folder.appendingPathComponent("frames.raw").path
            try runTool("ffmpeg", input + ["-pix_fmt", pixelFormat, "-f", "rawvideo", raw])
            lines.append("frames \(raw)")
        }
        let description = folder.appendingPathComponent("camera.txt")
        try (lines + extra).joined(separator: "\n").appending("\n").write(to: description, atomically: true, encoding: .utf8)
        return V4L2FakeCamera(path: description.path, folder: folder, width: width, height: height, frameCount: frames)
    }

    /// ffmpeg's own yuv420p decode of the same frames at the same size: the reference.
    func referenceFrames() throws -> [[UInt8]] {
        let raw = folder.appendingPathComponent("reference.yuv")
        try runTool("ffmpeg", ["-v", "error", "-y", "-ss", Self.clipStart, "-i", Self.clip, "-frames:v", "\(frameCount)",
                               "-vf", "scale=\(width):\(height)", "-pix_fmt", "yuv420p", "-f", "rawvideo", raw.path])
        let bytes = [UInt8](try Data(contentsOf: raw))
        let size = width * height * 3 / 2
        return stride(from: 0, to: bytes.count - size + 1, by: size).map { Array(bytes[$0..<$0 + size]) }
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// Mean absolute difference between a frame and a packed I420 reference, per plane (Y, U, V).
func v4l2MeanDifference(_ frame: VideoFrame, _ reference: [UInt8]) -> (y: Double, u: Double, v: Double) {
    let w = frame.width, h = frame.height, cw = frame.chromaWidth, ch = frame.chromaHeight
    func plane(_ base: UnsafeMutablePointer<UInt8>, _ stride: Int, _ offset: Int, _ pw: Int, _ ph: Int) -> Double {
        var total = 0
        reference.withUnsafeBufferPointer { ref in
            for row in 0..<ph {
                let line = base + row * stride
                for x in 0..<pw { total += abs(Int(line[x]) - Int(ref[offset + row * pw + x])) }
            }
        }
        return Double(total) / Double(pw * ph)
    }
    return (plane(frame.planes.y, frame.strides.y, 0, w, h),
            plane(frame.planes.u, frame.strides.u, w * h, cw, ch),
            plane(frame.planes.v, frame.strides.v, w * h + cw * ch, cw, ch))
}
