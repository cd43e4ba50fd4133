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
    static let frameCount = 8
    static let width = 320, height = 180

    /// Frame files per format, made once per test run and shared by the cameras.
    private final class FrameStore: @unchecked Sendable {
        private var made: [String: Result<[String], Error>] = [:]
        private let lock = NSLock()
        func lines(for format: String, make: () throws -> [String]) throws -> [String] {
            lock.lock(); defer { lock.unlock() }
            if made[format] == nil { made[format] = Result { try make() } }
            return try made[format]!.get()
        }
    }
    private static let store = FrameStore()
    private static let referenceStore = FrameStore()

    /// Makes a camera serving the clip's frames downscaled to 320x180. `format`: YUYV, NV12,
    /// RGB3 (raw) or MJPG (one JPEG per frame); `extra` lines go into the description as they
    /// are (io, caps, vanish_after, stall_after).
    static func make(format: String, fps: Int = 30, extra: [String] = []) throws -> V4L2FakeCamera {
        try requirePlugin()
        let frameLines = try store.lines(for: format) { try makeFrames(format: format) }
        let folder = try TestPaths.scratch("v4l2-camera")
        let lines = ["facepipe-fake-camera 1", "format \(format)", "size \(width) \(height)", "fps \(fps)"]
            + frameLines + extra
        let description = folder.appendingPathComponent("camera.txt")
        try (lines.joined(separator: "\n") + "\n").write(to: description, atomically: true, encoding: .utf8)
        return V4L2FakeCamera(path: description.path, folder: folder, width: width, height: height, frameCount: frameCount)
    }

    private static var decodeArguments: [String] {
        ["-v", "error", "-y", "-ss", clipStart, "-i", clip, "-frames:v", "\(frameCount)", "-vf", "scale=\(width):\(height)"]
    }

    /// Decodes the clip's frames in `format` with the ffmpeg CLI; returns the description lines naming them.
    private static func makeFrames(format: String) throws -> [String] {
        let folder = try TestPaths.scratch("v4l2-frames-\(format)")
        if format == "MJPG" {
            let pattern = folder.appendingPathComponent("frame%04d.jpg").path
            // 4:2:2 JPEGs, as webcams send them.
            try runTool("ffmpeg", decodeArguments + ["-pix_fmt", "yuvj422p", "-c:v", "mjpeg", "-q:v", "3", "-f", "image2", pattern])
            return ["frames \(pattern)", "count \(frameCount)"]
        }
        let pixelFormat = ["YUYV": "yuyv422", "NV12": "nv12", "RGB3": "rgb24"][format]!
        let raw = folder.appendingPathComponent("frames.raw").path
        try runTool("ffmpeg", decodeArguments + ["-pix_fmt", pixelFormat, "-f", "rawvideo", raw])
        return ["frames \(raw)"]
    }

    /// ffmpeg's own yuv420p decode of the same frames at the same size: the reference.
    func referenceFrames() throws -> [[UInt8]] {
        let path = try Self.referenceStore.lines(for: "yuv420p") {
            let raw = try TestPaths.scratch("v4l2-reference").appendingPathComponent("reference.yuv")
            try runTool("ffmpeg", Self.decodeArguments + ["-pix_fmt", "yuv420p", "-f", "rawvideo", raw.path])
            return [raw.path]
        }[0]
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
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

/// Mean absolute difference between two packed pictures of the same size.
func v4l2MeanDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
    precondition(a.count == b.count && !a.isEmpty)
    var total = 0
    for i in a.indices { total += abs(Int(a[i]) - Int(b[i])) }
    return Double(total) / Double(a.count)
}
