@testable import Capture
@testable import FacepipeCore
import Foundation
import Testing
import TestSupport

/// What a source reports before the first frame, files with more than video, and streams
/// whose picture size changes on the way.
@Suite struct FFmpegSourceInfoTests {
    @Test func sharedClipInfo() throws {
        let source = try FFmpegSource(Fixture.clip)
        defer { source.close() }
        let info = source.info
        #expect(info.width == 640 && info.height == 360)
        #expect(abs(info.frameRate.value - 29.97) < 0.01)
        #expect(info.timeBase == Rational(1, 11988))
        #expect(!info.isLive)
        #expect(info.frameCount == 275)
        #expect(info.duration.map { $0 > 9 && $0 < 10.1 } == true)
        #expect(info.summary == "h264 640x360 29.97 fps from short_hamilton_clip.mp4")
    }

    /// The clip's audio track is ignored; video frames and times are the same as ffprobe's.
    @Test func fileWithAudioGivesItsVideo() throws {
        let folder = try TestPaths.scratch("with-audio")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try Fixture.make("talk.mp4", in: folder, ["-i", Fixture.clip, "-t", "1.5", "-vf", "scale=320:180",
                                                            "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"])
        let streams = try runTool("ffprobe", ["-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", path])
        #expect(streams.stdout.contains("audio"), "the test file must hold audio")
        let source = try FFmpegSource(path)
        defer { source.close() }
        let decoded = try Fixture.decodeAll(source, keep: 0)
        let probe = try Fixture.probe(path)
        #expect(decoded.pts.count == probe.frameCount)
        #expect(decoded.pts == probe.timestamps.compactMap { $0 })
        #expect(source.info.frameCount == decoded.pts.count)
        #expect(source.info.duration.map { abs($0 - 1.5) < 0.1 } == true)
    }

    /// Two MPEG-TS pieces of different sizes joined: frames follow the size change, and the
    /// yuvj420p pictures (converted through swscale) match ffmpeg's decode on both sides of it.
    @Test func pictureSizeChangesMidStream() throws {
        let folder = try TestPaths.scratch("size-change")
        defer { try? FileManager.default.removeItem(at: folder) }
        let common = ["-an", "-pix_fmt", "yuvj420p", "-c:v", "libx264", "-preset", "ultrafast"]
        let first = try Fixture.make("a.ts", in: folder, ["-i", Fixture.clip, "-frames:v", "4", "-vf", "scale=96:64"] + common)
        let second = try Fixture.make("b.ts", in: folder, ["-ss", "2", "-i", Fixture.clip, "-frames:v", "4",
                                                           "-vf", "scale=160:90"] + common + ["-output_ts_offset", "1"])
        let joined = folder.appendingPathComponent("joined.ts")
        try (try Data(contentsOf: URL(fileURLWithPath: first)) + Data(contentsOf: URL(fileURLWithPath: second))).write(to: joined)

        let source = try FFmpegSource(joined.path)
        defer { source.close() }
        let frame = VideoFrame()
        var sizes: [String] = []
        var checked = 0
        let firstRaw = try Fixture.ffmpegI420(first, frames: 4, scratch: folder)
        let secondRaw = try Fixture.ffmpegI420(second, frames: 4, scratch: folder)
        while try source.read(into: frame) {
            sizes.append("\(frame.width)x\(frame.height)")
            let (raw, n) = frame.width == 96 ? (firstRaw, sizes.count - 1) : (secondRaw, sizes.count - 5)
            let diff = Fixture.difference(frame, rawI420: raw, frameNumber: n)
            #expect(diff.max <= 2, "frame \(sizes.count - 1): \(diff)")
            checked += 1
        }
        #expect(sizes == Array(repeating: "96x64", count: 4) + Array(repeating: "160x90", count: 4))
        #expect(checked == 8)
    }
}

extension FFmpegSourceInfoTests {
    /// Demuxer options pass through; one FFmpeg does not know is an error that names it.
    @Test func formatOptionsAreCheckedByName() throws {
        let tuned = try FFmpegSource(Fixture.clip, options: FFmpegSourceOptions(formatOptions: ["probesize": "100000"]))
        tuned.close()
        #expect {
            _ = try FFmpegSource(Fixture.clip, options: FFmpegSourceOptions(formatOptions: ["probesize_typo": "1"]))
        } throws: { error in
            guard case .openFailed(let input, let reason)? = error as? CaptureError else { return false }
            return input == Fixture.clip && reason.contains("'probesize_typo'")
        }
    }
}
