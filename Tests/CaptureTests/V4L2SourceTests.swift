import Foundation
import Testing
@testable import Capture
@testable import FacepipeCore
import TestSupport

/// V4L2Source against the fake camera (Tests/FakeCamera): real frames of a real clip served
/// through libv4l2 exactly as a driver would, compared with ffmpeg's own decode of them.
/// Serialized: the cameras pace frames in real time.
@Suite(.serialized)
struct V4L2SourceTests {
    /// Reads `count` frames and checks each against the reference frame with the same index,
    /// and that no visibly different reference frame matches better (so order and content are
    /// both right; the clip repeats a frame now and then, which may match equally well).
    private func expectFramesMatch(_ camera: V4L2FakeCamera, _ source: V4L2Source, count: Int,
                                   lumaTolerance: Double, chromaTolerance: Double) throws -> [Int64] {
        let references = try camera.referenceFrames()
        #expect(references.count == camera.frameCount)
        let frame = VideoFrame()
        var pts: [Int64] = []
        for index in 0..<count {
            #expect(try source.read(into: frame))
            #expect(frame.width == camera.width && frame.height == camera.height)
            #expect(frame.index == index)
            #expect(frame.timeBase == Rational(1, 1_000_000))
            pts.append(frame.pts)
            let differences = references.map { v4l2MeanDifference(frame, $0) }
            let own = differences[index]
            #expect(own.y < lumaTolerance, "frame \(index) luma differs by \(own.y)")
            #expect(own.u < chromaTolerance && own.v < chromaTolerance, "frame \(index) chroma differs by \(own.u), \(own.v)")
            let best = differences.indices.min { differences[$0].y < differences[$1].y }!
            #expect(best == index || v4l2MeanDifference(references[best], references[index]) < 1.0,
                    "frame \(index) looks most like source frame \(best)")
        }
        return pts
    }

    private func expectIncreasing(_ pts: [Int64]) {
        #expect(pts.first == 0)
        #expect(zip(pts, pts.dropFirst()).allSatisfy { $0 < $1 }, "pts not increasing: \(pts)")
    }

    @Test func yuyvCameraDeliversTheSourceFrames() throws {
        let camera = try V4L2FakeCamera.make(format: "YUYV")
        defer { camera.remove() }
        let source = try V4L2Source(path: camera.path)
        defer { source.close() }
        #expect(source.negotiated.pixelFormat == "YUYV")
        #expect(!source.negotiated.convertedByLibv4l2)
        #expect(source.negotiated.streaming)
        #expect(source.info.isLive)
        #expect(source.info.width == 320 && source.info.height == 180)
        #expect(source.info.summary.contains(camera.path))
        let pts = try expectFramesMatch(camera, source, count: camera.frameCount, lumaTolerance: 1.0, chromaTolerance: 1.0)
        expectIncreasing(pts)
        #expect(source.skippedPackets == 0)
    }

    @Test func mjpegCameraIsDecodedByLibavcodec() throws {
        let camera = try V4L2FakeCamera.make(format: "MJPG")
        defer { camera.remove() }
        let source = try V4L2Source(path: camera.path)
        defer { source.close() }
        #expect(source.negotiated.pixelFormat == "MJPG")
        #expect(source.negotiated.cameraFormats == ["MJPG"])
        let pts = try expectFramesMatch(camera, source, count: camera.frameCount, lumaTolerance: 1.5, chromaTolerance: 1.5)
        expectIncreasing(pts)
    }

    @Test func nv12CameraWithoutStreamingIsReadWithRead() throws {
        let camera = try V4L2FakeCamera.make(format: "NV12", extra: ["io read"])
        defer { camera.remove() }
        let source = try V4L2Source(path: camera.path)
        defer { source.close() }
        #expect(source.negotiated.pixelFormat == "NV12")
        #expect(!source.negotiated.streaming)
        #expect(source.info.summary.contains("read()"))
        let pts = try expectFramesMatch(camera, source, count: camera.frameCount, lumaTolerance: 0.5, chromaTolerance: 0.5)
        expectIncreasing(pts)
    }

    @Test func cameraWithoutAUsableFormatIsConvertedByLibv4l2() throws {
        let camera = try V4L2FakeCamera.make(format: "RGB3")
        defer { camera.remove() }
        let source = try V4L2Source(path: camera.path)
        defer { source.close() }
        #expect(source.negotiated.convertedByLibv4l2)
        #expect(source.negotiated.pixelFormat == "YU12")
        #expect(source.negotiated.cameraFormats == ["RGB3"])
        // Two colour conversions (ffmpeg to RGB, libv4lconvert back) cost a little more.
        let pts = try expectFramesMatch(camera, source, count: camera.frameCount, lumaTolerance: 2.5, chromaTolerance: 1.5)
        expectIncreasing(pts)
    }

    @Test func requestedFrameRateIsHonouredAndPacesTheFrames() throws {
        let camera = try V4L2FakeCamera.make(format: "YUYV", fps: 30)
        defer { camera.remove() }
        let source = try V4L2Source(path: camera.path, options: V4L2CaptureOptions(width: 320, height: 180, fps: 15))
        defer { source.close() }
        #expect(source.info.frameRate == Rational(15, 1))
        #expect(source.negotiated.width == 320 && source.negotiated.height == 180)
        let frame = VideoFrame()
        var pts: [Int64] = []
        for _ in 0..<6 {
            #expect(try source.read(into: frame))
            pts.append(frame.pts)
        }
        // The camera never delivers a frame before it is due, so at 15 fps the spacing is at
        // least 66.7 ms (30 fps would give 33 ms). How much later frames come depends on how
        // busy the machine is: wall-clock time, which a unit test does not bound.
        let spacing = Double(pts.last! - pts.first!) / Double(pts.count - 1)
        #expect(spacing > 66_667 - 15_000, "mean frame spacing \(spacing) µs at 15 fps")
    }

    @Test func unavailableSizeAndRateAreReportedAsTheDriverGaveThem() throws {
        let camera = try V4L2FakeCamera.make(format: "YUYV", fps: 30)
        defer { camera.remove() }
        let source = try V4L2Source(path: camera.path, options: V4L2CaptureOptions(width: 1280, height: 720, fps: 60))
        defer { source.close() }
        #expect(source.info.width == 320 && source.info.height == 180)
        #expect(source.info.frameRate == Rational(30, 1))
        let frame = VideoFrame()
        #expect(try source.read(into: frame))
        #expect(frame.width == 320 && frame.height == 180)
    }

    @Test func missingDeviceIsAClearError() {
        let error = #expect(throws: V4L2Error.self) { try V4L2Source(path: "/dev/video97") }
        #expect(error == .noSuchDevice(path: "/dev/video97"))
        #expect(error?.description.contains("/dev/video97") == true)
    }

    @Test func regularFileIsNotACaptureDevice() throws {
        try V4L2FakeCamera.requirePlugin() // the plugin must leave files without its magic alone
        let folder = try TestPaths.scratch("v4l2-file")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("notes.txt")
        try "just some text\n".write(to: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: V4L2Error.self) { try V4L2Source(path: file.path) }
        #expect(error?.description.contains("\(file.path) is not a V4L2 capture device") == true)
        #expect(throws: V4L2Error.self) { try V4L2Source(path: folder.path) }
    }

    @Test func outputOnlyDeviceIsNotACaptureDevice() throws {
        let camera = try V4L2FakeCamera.make(format: "YUYV", extra: ["caps output"])
        defer { camera.remove() }
        let error = #expect(throws: V4L2Error.self) { try V4L2Source(path: camera.path) }
        #expect(error?.description.contains("\(camera.path) is not a V4L2 capture device") == true)
    }

    @Test func cameraVanishingMidRunThrowsAfterTheFramesBeforeIt() throws {
        let camera = try V4L2FakeCamera.make(format: "YUYV", extra: ["vanish_after 3"])
        defer { camera.remove() }
        let source = try V4L2Source(path: camera.path)
        defer { source.close() }
        let references = try camera.referenceFrames()
        let frame = VideoFrame()
        for index in 0..<3 {
            #expect(try source.read(into: frame))
            #expect(v4l2MeanDifference(frame, references[index]).y < 1.0)
        }
        let error = #expect(throws: V4L2Error.self) { try source.read(into: frame) }
        guard case .vanished(let path, _)? = error else {
            Issue.record("expected .vanished, got \(String(describing: error))")
            return
        }
        #expect(path == camera.path)
        #expect(error?.description.contains("vanished") == true)
    }

    /// The error carries the configured timeout; a read that never returns fails on the time limit.
    @Test(.timeLimit(.minutes(1))) func stalledCameraTimesOut() throws {
        let camera = try V4L2FakeCamera.make(format: "YUYV", extra: ["stall_after 1"])
        defer { camera.remove() }
        let source = try V4L2Source(path: camera.path, options: V4L2CaptureOptions(timeout: 0.3))
        defer { source.close() }
        let frame = VideoFrame()
        #expect(try source.read(into: frame))
        let error = #expect(throws: V4L2Error.self) { try source.read(into: frame) }
        #expect(error == .stalled(path: camera.path, seconds: 0.3))
    }

    @Test func secondUserOfACameraIsToldItIsBusy() throws {
        let camera = try V4L2FakeCamera.make(format: "YUYV")
        defer { camera.remove() }
        let first = try V4L2Source(path: camera.path)
        let error = #expect(throws: V4L2Error.self) { try V4L2Source(path: camera.path) }
        #expect(error == .busy(path: camera.path))
        first.close()
        // Once released, the camera can be opened again.
        let second = try V4L2Source(path: camera.path)
        #expect(try second.read(into: VideoFrame()))
        second.close()
    }

    @Test func closingTwiceIsSafeAndEndsTheStream() throws {
        let camera = try V4L2FakeCamera.make(format: "YUYV")
        defer { camera.remove() }
        let source = try V4L2Source(path: camera.path)
        let frame = VideoFrame()
        #expect(try source.read(into: frame))
        source.close()
        source.close()
        #expect(try source.read(into: frame) == false)
    }

    @Test func badOptionsAreRejectedBeforeOpening() {
        #expect(throws: V4L2Error.badOptions("give both width and height, or neither")) {
            try V4L2Source(path: "/dev/video0", options: V4L2CaptureOptions(width: 640))
        }
        let error = #expect(throws: V4L2Error.self) {
            try V4L2Source(path: "/dev/video0", options: V4L2CaptureOptions(fps: 0))
        }
        #expect(error?.description.contains("fps 0") == true)
    }

    @Test func cameraPathsAreRecognised() {
        #expect(V4L2Source.isCameraPath("/dev/video0"))
        #expect(V4L2Source.isCameraPath("/dev/v4l/by-id/usb-cam-video-index0"))
        #expect(!V4L2Source.isCameraPath("clip.mp4"))
        #expect(!V4L2Source.isCameraPath("rtsp://camera/stream"))
    }
}
