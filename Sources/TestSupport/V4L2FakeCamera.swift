import Foundation

/// A fake camera for the V4L2 and end-to-end tests: frames decoded by the ffmpeg CLI from a real clip, served
/// through libv4l2 by the plugin in Tests/FakeCamera (installed once per test run).
public struct V4L2FakeCamera: Sendable {
    /// The file V4L2Source opens in place of /dev/videoN.
    public let path: String
    public let folder: URL
    public let width: Int
    public let height: Int
    public let frameCount: Int

    public struct PluginMissing: Error, CustomStringConvertible {
        public var description: String
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

    public static func requirePlugin() throws { try pluginInstall.get() }

    public static let clip = TestPaths.data("videos/short_hamilton_clip.mp4").path
    /// Seconds into the clip where people move, so consecutive frames differ.
    public static let clipStart = "3"
    public static let frameCount = 8
    public static let width = 320, height = 180

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
    public static func make(format: String, fps: Int = 30, extra: [String] = []) throws -> V4L2FakeCamera {
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
    public func referenceFrames() throws -> [[UInt8]] {
        let path = try Self.referenceStore.lines(for: "yuv420p") {
            let raw = try TestPaths.scratch("v4l2-reference").appendingPathComponent("reference.yuv")
            try runTool("ffmpeg", Self.decodeArguments + ["-pix_fmt", "yuv420p", "-f", "rawvideo", raw.path])
            return [raw.path]
        }[0]
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let size = width * height * 3 / 2
        return stride(from: 0, to: bytes.count - size + 1, by: size).map { Array(bytes[$0..<$0 + size]) }
    }

    public func remove() { try? FileManager.default.removeItem(at: folder) }
}
