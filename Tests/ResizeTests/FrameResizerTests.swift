@testable import Capture
@testable import FacepipeCore
import Foundation
@testable import Resize
import Testing
import TestSupport

/// FrameResizer against `ffmpeg -vf scale=W:H -pix_fmt rgb24` on real pictures.
@Suite struct FrameResizerTests {
    private static let photo = TestPaths.data("photos/dlib_faces/images/2008_002506.jpg").path
    private static let clip = TestPaths.data("videos/short_hamilton_clip.mp4").path

    /// Encodes one picture losslessly (FFV1, yuv420p) so both sides start from the same I420.
    private func makeStill(_ input: String, filter: String, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("still.mkv").path
        try runTool("ffmpeg", ["-y", "-nostdin", "-v", "error", "-i", input, "-frames:v", "1", "-vf", filter,
                               "-pix_fmt", "yuv420p", "-c:v", "ffv1", path])
        return path
    }

    private func firstFrame(_ path: String) throws -> VideoFrame {
        let source = try FFmpegSource(path)
        defer { source.close() }
        let frame = VideoFrame()
        try #require(try source.read(into: frame))
        return frame
    }

    private func ffmpegRGB(_ path: String, width: Int, height: Int, in folder: URL) throws -> [UInt8] {
        let raw = folder.appendingPathComponent("reference.rgb").path
        try runTool("ffmpeg", ["-y", "-nostdin", "-v", "error", "-i", path, "-frames:v", "1",
                               "-vf", "scale=\(width):\(height)", "-pix_fmt", "rgb24", "-f", "rawvideo", raw])
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: raw)))
    }

    /// Mean absolute difference per channel value between the image and packed RGB24 bytes.
    private func meanError(_ image: RGBImage, _ reference: [UInt8]) -> Double {
        guard reference.count == image.width * image.height * 3 else { return .infinity }
        var total = 0
        for y in 0..<image.height {
            let row = image.pixels + y * image.stride
            for x in 0..<(image.width * 3) { total += abs(Int(row[x]) - Int(reference[y * image.width * 3 + x])) }
        }
        return Double(total) / Double(reference.count)
    }

    @Test(arguments: [
        // (filter making the I420 source, expected output size)
        ("scale=1600:1200", 533, 400),       // a big photo: short side limits
        ("scale=2000:250", 800, 100),        // a wide strip: long side limits
        ("scale=iw:ih", 500, 375),           // the photo as it is: within limits, colour conversion only
        ("scale=4000:100", 800, 20),
        ("scale=3:5", 3, 5),
        ("scale=1:1", 1, 1),
    ])
    func matchesFFmpegScale(_ filter: String, _ width: Int, _ height: Int) throws {
        let folder = try TestPaths.scratch("resize")
        defer { try? FileManager.default.removeItem(at: folder) }
        let still = try makeStill(Self.photo, filter: filter, in: folder)
        let frame = try firstFrame(still)
        let image = RGBImage()
        try FrameResizer(maxShort: 400, maxLong: 800).resize(frame, into: image)

        #expect(image.width == width && image.height == height)
        #expect(image.scaleX == Float(frame.width) / Float(width))
        #expect(image.scaleY == Float(frame.height) / Float(height))
        let error = meanError(image, try ffmpegRGB(still, width: width, height: height, in: folder))
        // ffmpeg's scale filter defaults to bicubic, ours is bilinear: close, not identical.
        #expect(error < 2.0, "mean error \(error) against ffmpeg's scale for \(filter)")
    }

    /// A real video frame with the model's limits as parameters, and scale factors that map
    /// image pixels back to the source exactly.
    @Test func videoFrameWithSmallerLimits() throws {
        let folder = try TestPaths.scratch("resize-video")
        defer { try? FileManager.default.removeItem(at: folder) }
        let still = try makeStill(Self.clip, filter: "null", in: folder)
        let frame = try firstFrame(still)
        let image = RGBImage()
        try FrameResizer(maxShort: 120, maxLong: 200).resize(frame, into: image)
        #expect(image.width == 200 && image.height == 113)
        #expect(image.scaleX == 640 / 200 && image.scaleY == Float(360) / 113)
        #expect(meanError(image, try ffmpegRGB(still, width: 200, height: 113, in: folder)) < 2.0)
    }

    /// Frames of changing size through one resizer: each gets its own geometry, and going back
    /// to an earlier size gives the same pixels as before.
    @Test func geometryChangesBetweenFrames() throws {
        let folder = try TestPaths.scratch("resize-switch")
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = try firstFrame(try makeStill(Self.photo, filter: "scale=1600:1200", in: folder))
        let small = try firstFrame(try makeStill(Self.clip, filter: "scale=320:180", in: folder))
        let resizer = FrameResizer()
        let first = RGBImage(), second = RGBImage(), again = RGBImage()
        try resizer.resize(big, into: first)
        try resizer.resize(small, into: second)
        try resizer.resize(big, into: again)
        #expect((first.width, first.height) == (533, 400))
        #expect((second.width, second.height) == (320, 180))
        #expect(second.scaleX == 1 && second.scaleY == 1)
        var same = true
        for y in 0..<first.height where memcmp(first.pixels + y * first.stride, again.pixels + y * again.stride, first.width * 3) != 0 {
            same = false
        }
        #expect(same)
    }

    @Test func emptyFrameIsAnError() {
        #expect(throws: ResizeError.emptyFrame) {
            try FrameResizer().resize(VideoFrame(), into: RGBImage())
        }
    }
}
