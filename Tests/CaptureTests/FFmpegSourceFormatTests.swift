import Capture
import FacepipeCore
import Foundation
import Testing
import TestSupport

/// One test video: how ffmpeg makes it and what FFmpegSource must report about it.
struct FormatCase: Sendable, CustomTestStringConvertible {
    var file: String
    var arguments: [String]
    var width: Int
    var height: Int
    var codec: String
    var encoder: String? = nil
    var testDescription: String { file }
}

private let clip = Fixture.clip
private let photo = Fixture.photo()
private let stills = ["-loop", "1", "-i", photo, "-frames:v", "3"]

private let formatCases: [FormatCase] = [
    FormatCase(file: "h264.mp4", arguments: ["-i", clip, "-frames:v", "15", "-an", "-c:v", "libx264", "-preset", "ultrafast"],
               width: 640, height: 360, codec: "h264"),
    FormatCase(file: "h264.mov", arguments: ["-i", clip, "-frames:v", "8", "-an", "-vf", "scale=320:180",
                                             "-c:v", "libx264", "-preset", "ultrafast", "-bf", "2"],
               width: 320, height: 180, codec: "h264"),
    FormatCase(file: "mpeg4.avi", arguments: ["-i", clip, "-frames:v", "12", "-an", "-c:v", "mpeg4", "-q:v", "4"],
               width: 640, height: 360, codec: "mpeg4"),
    FormatCase(file: "mjpeg-yuvj420p.mkv", arguments: ["-i", clip, "-frames:v", "6", "-an", "-vf", "scale=320:180",
                                                       "-c:v", "mjpeg", "-pix_fmt", "yuvj420p"],
               width: 320, height: 180, codec: "mjpeg"),
    FormatCase(file: "hevc.mp4", arguments: ["-i", clip, "-frames:v", "6", "-an", "-vf", "scale=320:180",
                                             "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"],
               width: 320, height: 180, codec: "hevc", encoder: "libx265"),
    FormatCase(file: "gray-ffv1.mkv", arguments: ["-i", clip, "-frames:v", "4", "-an", "-vf", "scale=160:90",
                                                  "-pix_fmt", "gray", "-c:v", "ffv1"],
               width: 160, height: 90, codec: "ffv1"),
    FormatCase(file: "h264-10bit.mkv", arguments: ["-i", clip, "-frames:v", "5", "-an", "-vf", "scale=320:180",
                                                   "-pix_fmt", "yuv420p10le", "-c:v", "libx264", "-preset", "ultrafast"],
               width: 320, height: 180, codec: "h264"),
    FormatCase(file: "ffv1-10bit.mkv", arguments: ["-i", clip, "-frames:v", "3", "-an", "-vf", "scale=160:90",
                                                   "-pix_fmt", "yuv420p10le", "-c:v", "ffv1"],
               width: 160, height: 90, codec: "ffv1"),
    FormatCase(file: "nv12-raw.nut", arguments: ["-i", clip, "-frames:v", "3", "-an", "-vf", "scale=160:90",
                                                 "-pix_fmt", "nv12", "-c:v", "rawvideo"],
               width: 160, height: 90, codec: "rawvideo"),
    FormatCase(file: "yuv422-h264.mkv", arguments: ["-i", clip, "-frames:v", "3", "-an", "-vf", "scale=160:90",
                                                    "-pix_fmt", "yuv422p", "-c:v", "libx264", "-preset", "ultrafast"],
               width: 160, height: 90, codec: "h264"),
    FormatCase(file: "1x1.mkv", arguments: stills + ["-vf", "scale=1:1", "-pix_fmt", "yuv420p", "-c:v", "ffv1"],
               width: 1, height: 1, codec: "ffv1"),
    FormatCase(file: "3x5.mkv", arguments: stills + ["-vf", "scale=3:5", "-pix_fmt", "yuv420p", "-c:v", "ffv1"],
               width: 3, height: 5, codec: "ffv1"),
    FormatCase(file: "3x5-mjpeg.avi", arguments: stills + ["-vf", "scale=3:5", "-pix_fmt", "yuvj420p", "-c:v", "mjpeg"],
               width: 3, height: 5, codec: "mjpeg"),
    FormatCase(file: "4000x100.mkv", arguments: stills + ["-vf", "scale=4000:100", "-pix_fmt", "yuv420p", "-c:v", "ffv1"],
               width: 4000, height: 100, codec: "ffv1"),
]

@Suite struct FFmpegSourceFormatTests {
    /// Every format decodes to exactly FFmpeg's frames: same count as `ffprobe -count_frames`,
    /// same timestamps, and the same pixels as `ffmpeg -f rawvideo -pix_fmt yuv420p`.
    @Test(arguments: formatCases)
    func decodesLikeFFmpeg(_ format: FormatCase) throws {
        if let encoder = format.encoder, !Fixture.hasEncoder(encoder) {
            print("skipping \(format.file): this ffmpeg has no \(encoder) encoder")
            return
        }
        let folder = try TestPaths.scratch("ffmpeg-\(format.file)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try Fixture.make(format.file, in: folder, format.arguments)

        let source = try FFmpegSource(path)
        defer { source.close() }
        #expect(source.info.width == format.width && source.info.height == format.height)
        #expect(source.info.isLive == false)
        #expect(source.info.summary.hasPrefix("\(format.codec) \(format.width)x\(format.height) "))
        #expect(source.info.summary.hasSuffix(" from \(format.file)"))
        let decoded = try Fixture.decodeAll(source, keep: 3)

        let probe = try Fixture.probe(path)
        let expectedCount = probe.frameCount
        #expect(expectedCount > 0)
        #expect(decoded.pts.count == expectedCount)
        #expect(decoded.indices == Array(0..<decoded.pts.count))
        #expect(Set(decoded.sizes) == ["\(format.width)x\(format.height)"])
        #expect(zip(decoded.pts, decoded.pts.dropFirst()).allSatisfy { $0 < $1 }, "pts must strictly increase")
        let probed = probe.timestamps
        #expect(probed.count == decoded.pts.count)
        for (ours, theirs) in zip(decoded.pts, probed) where theirs != nil {
            #expect(ours == theirs!, "pts \(ours) vs ffprobe \(theirs!)")
        }
        #expect(source.skippedPackets == 0)

        let raw = try Fixture.ffmpegI420(path, frames: decoded.frames.count, scratch: folder)
        for (n, frame) in decoded.frames.enumerated() {
            let diff = Fixture.difference(frame, rawI420: raw, frameNumber: n)
            #expect(diff.max <= 2 && diff.mean < 0.05, "frame \(n) differs from ffmpeg's decode: \(diff)")
        }
    }
}
