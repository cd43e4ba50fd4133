@testable import Capture
@testable import FacepipeCore
import Foundation
import Testing
import TestSupport

/// Damaged and wrong inputs: a clear `CaptureError` naming the input, or as many good frames
/// as the data holds, never a crash.
@Suite struct FFmpegSourceDamageTests {
    @Test func missingFileNamesThePath() {
        let path = "/nonexistent/folder/clip-\(UUID().uuidString).mp4"
        #expect {
            _ = try FFmpegSource(path)
        } throws: { error in
            (error as? CaptureError) == .fileNotFound(path: path) && "\(error)".contains(path)
        }
    }

    @Test func folderIsNotReadableAsVideo() throws {
        let folder = try TestPaths.scratch("folder-input")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect {
            _ = try FFmpegSource(folder.path)
        } throws: { error in
            guard case .unreadable(let path, _)? = error as? CaptureError else { return false }
            return path == folder.path && "\(error)".contains("folder")
        }
    }

    @Test func textFileIsNotMedia() throws {
        let folder = try TestPaths.scratch("text-input")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("notes.mp4").path
        try String(repeating: "these are meeting notes, not a video\n", count: 200).write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try FFmpegSource(path)
        } throws: { error in
            guard case .openFailed(let input, _)? = error as? CaptureError else { return false }
            return input == path && "\(error)".contains(path)
        }
    }

    @Test func audioOnlyFileHasNoVideoStream() throws {
        let folder = try TestPaths.scratch("audio-only")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try Fixture.make("sound.m4a", in: folder, ["-i", Fixture.clip, "-t", "1", "-vn", "-c:a", "copy"])
        #expect {
            _ = try FFmpegSource(path)
        } throws: { error in
            (error as? CaptureError) == .noVideoStream(input: path) && "\(error)".contains("no video stream")
        }
    }

    /// A file cut at 60% of its bytes gives the frames before the cut, ends without throwing.
    @Test(arguments: [
        ("cut.mkv", ["-c:v", "libx264", "-preset", "ultrafast"]),
        ("cut.ts", ["-c:v", "libx264", "-preset", "ultrafast"]),
        ("cut-faststart.mp4", ["-c:v", "libx264", "-preset", "ultrafast", "-movflags", "+faststart"]),
        ("cut-mjpeg.avi", ["-c:v", "mjpeg"]),
    ])
    func truncatedFileEndsAtLastDecodableFrame(_ name: String, _ codec: [String]) throws {
        let folder = try TestPaths.scratch("truncated")
        defer { try? FileManager.default.removeItem(at: folder) }
        let whole = try Fixture.make("whole-" + name, in: folder,
                                     ["-i", Fixture.clip, "-frames:v", "40", "-an", "-vf", "scale=320:180"] + codec)
        let cut = try Fixture.truncatedCopy(of: whole, fraction: 0.6, to: name, in: folder)
        let total = try Fixture.probeFrameCount(whole)

        let source = try FFmpegSource(cut)
        let decoded = try Fixture.decodeAll(source, keep: 0)
        #expect(decoded.pts.count > total / 3, "only \(decoded.pts.count) of \(total) frames")
        #expect(decoded.pts.count < total)
        #expect(zip(decoded.pts, decoded.pts.dropFirst()).allSatisfy { $0 < $1 })
        #expect(try source.read(into: VideoFrame()) == false, "the end stays the end")
    }

    /// An MP4 whose index (moov) sits at the end cannot be read at all once cut: say so.
    @Test func truncatedMP4WithoutIndexIsAClearError() throws {
        let folder = try TestPaths.scratch("truncated-moov")
        defer { try? FileManager.default.removeItem(at: folder) }
        let whole = try Fixture.make("whole.mp4", in: folder, ["-i", Fixture.clip, "-frames:v", "20", "-an",
                                                               "-vf", "scale=320:180", "-c:v", "libx264", "-preset", "ultrafast"])
        let cut = try Fixture.truncatedCopy(of: whole, fraction: 0.6, to: "cut.mp4", in: folder)
        #expect {
            _ = try FFmpegSource(cut)
        } throws: { error in
            guard case .openFailed(let input, _)? = error as? CaptureError else { return false }
            return input == cut
        }
    }

    /// Garbage over part of an MJPEG file: the damaged pictures are counted and skipped,
    /// the rest decode.
    @Test func corruptPacketsAreSkippedAndCounted() throws {
        let folder = try TestPaths.scratch("corrupt")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try Fixture.make("damaged.avi", in: folder, ["-i", Fixture.clip, "-frames:v", "30", "-an",
                                                                "-vf", "scale=320:180", "-c:v", "mjpeg"])
        let total = try Fixture.probeFrameCount(path)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // Scramble the headers (tables, frame size) of pictures 10, 11 and 12, right after their
        // JPEG start markers, so the decoder rejects them rather than concealing the damage.
        var starts: [Int] = []
        for i in 0..<(bytes.count - 3) where bytes[i] == 0xFF && bytes[i + 1] == 0xD8 && bytes[i + 2] == 0xFF {
            starts.append(i)
        }
        #expect(starts.count == total)
        for start in starts[10...12] {
            for i in (start + 2)..<(start + 400) { bytes[i] = UInt8(truncatingIfNeeded: (i &* 2654435761) >> 7) }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let source = try FFmpegSource(path)
        let decoded = try Fixture.decodeAll(source, keep: 0)
        #expect(source.skippedPackets > 0)
        #expect(decoded.pts.count >= total - 5 && decoded.pts.count < total,
                "\(decoded.pts.count) of \(total) frames, \(source.skippedPackets) skipped")
        #expect(decoded.indices == Array(0..<decoded.pts.count))
    }

    @Test func closeTwiceAndReadAfterCloseAreSafe() throws {
        let source = try FFmpegSource(Fixture.clip)
        let frame = VideoFrame()
        #expect(try source.read(into: frame))
        source.close()
        source.close()
        #expect(try source.read(into: frame) == false)
    }
}

extension FFmpegSourceDamageTests {
    /// A video stream whose codec FFmpeg can write but not read back (Commodore 64 charset in NUT).
    @Test func undecodableCodecIsNamed() throws {
        guard Fixture.hasEncoder("a64multi") else {
            print("skipping: this ffmpeg has no a64multi encoder to make the test file")
            return
        }
        let folder = try TestPaths.scratch("no-decoder")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try Fixture.make("c64.nut", in: folder, ["-i", Fixture.clip, "-frames:v", "2", "-an",
                                                           "-vf", "scale=320:200", "-c:v", "a64multi"])
        #expect {
            _ = try FFmpegSource(path)
        } throws: { error in
            guard case .noDecoder(let input, let codec)? = error as? CaptureError else { return false }
            return input == path && codec == "unknown (tag a64m)" && "\(error)".contains("no decoder")
        }
    }
}
