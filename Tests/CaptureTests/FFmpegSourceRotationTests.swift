@testable import Capture
@testable import FacepipeCore
import Foundation
import TestSupport
import Testing

/// Display matrices (phones record sideways and tag the turn) and parts of files.
@Suite struct FFmpegSourceRotationTests {
    /// A clip tagged as ffmpeg 5.1 writes it (`-metadata:s:v rotate=N` on a stream copy).
    private func tagged(_ degrees: Int, in folder: URL) throws -> String {
        let plain = try Fixture.make("plain.mp4", in: folder, ["-i", Fixture.clip, "-frames:v", "5", "-vf", "scale=320:180",
                                                               "-c:v", "libx264", "-an"])
        return try Fixture.make("rot\(degrees).mp4", in: folder, ["-i", plain, "-c", "copy", "-metadata:s:v", "rotate=\(degrees)"])
    }

    /// Pixel for pixel what ffmpeg's own autorotate gives: the frames come upright, at the shown size.
    @Test(arguments: [90, 180, 270])
    func framesAreTurnedAsThePlayerShowsThem(degrees: Int) throws {
        let folder = try TestPaths.scratch("rotation")
        let path = try tagged(degrees, in: folder)
        let source = try FFmpegSource(path)
        let shown = degrees == 180 ? "320x180" : "180x320"
        #expect("\(source.info.width)x\(source.info.height)" == shown)
        #expect(source.info.notes.contains { $0.hasPrefix("rotation:") }, "\(source.info.notes)")
        let decoded = try Fixture.decodeAll(source, keep: 5)
        #expect(decoded.sizes == Array(repeating: shown, count: 5))
        let reference = try Fixture.ffmpegI420(path, frames: 5, scratch: folder)
        for (n, frame) in decoded.frames.enumerated() {
            #expect(Fixture.difference(frame, rawI420: reference, frameNumber: n).max == 0, "frame \(n)")
        }
    }

    @Test func autorotateOffKeepsTheCodedPicture() throws {
        let folder = try TestPaths.scratch("rotation-off")
        let path = try tagged(90, in: folder)
        var options = FFmpegSourceOptions()
        options.autorotate = false
        let source = try FFmpegSource(path, options: options)
        #expect(source.info.width == 320 && source.info.height == 180 && source.info.notes.isEmpty)
    }

    /// `--start 1 --duration 1`: exactly the frames whose time is in [1 s, 2 s).
    @Test func startAndDurationDeliverThatPartOnly() throws {
        let folder = try TestPaths.scratch("window")
        let path = try Fixture.make("ninety.mp4", in: folder, ["-i", Fixture.clip, "-frames:v", "90", "-c:v", "libx264", "-an"])
        var options = FFmpegSourceOptions()
        options.start = 1
        options.duration = 1
        let source = try FFmpegSource(path, options: options)
        let decoded = try Fixture.decodeAll(source)
        let timeBase = source.info.timeBase.value
        let stamps = try Fixture.probe(path).timestamps.compactMap { $0 }
        let origin = stamps.min() ?? 0
        let expected = stamps.filter { t in
            let s = Double(t - origin) * timeBase
            return s >= 1 - 5e-7 && s < 2 - 5e-7
        }.sorted()
        #expect(expected.count >= 29 && expected.count <= 31)
        #expect(decoded.pts == expected)
        #expect(decoded.indices == Array(0..<expected.count))
        #expect(abs((source.info.duration ?? 0) - 1) < 1e-9)
        // Progress counts the window from its own start.
        #expect(abs(source.info.durationStartsAt - (Double(origin) * timeBase + 1)) < 1e-9)
    }

    @Test func aStartPastTheEndIsRefused() throws {
        let folder = try TestPaths.scratch("window-end")
        let path = try Fixture.make("short.mp4", in: folder, ["-i", Fixture.clip, "-frames:v", "10", "-c:v", "libx264", "-an"])
        var options = FFmpegSourceOptions()
        options.start = 60
        #expect(throws: CaptureError.self) { try FFmpegSource(path, options: options) }
    }
}
