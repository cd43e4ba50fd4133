@testable import Capture
@testable import FacepipeCore
import Foundation
import Testing
import TestSupport

/// `realTime` (ffmpeg's -re): a file's frames arrive no sooner than their stream time after the
/// first one, as a camera's would, and they are the same frames with the same times as without.
@Suite struct FFmpegSourceRealTimeTests {
    @Test func framesArriveAtTheFilesOwnPace() throws {
        let folder = try TestPaths.scratch("realtime")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try Fixture.make("pace.mp4", in: folder, ["-i", Fixture.clip, "-t", "1", "-vf", "scale=160:90",
                                                            "-c:v", "libx264", "-preset", "ultrafast", "-an"])
        var options = FFmpegSourceOptions()
        options.realTime = true
        let paced = try FFmpegSource(path, options: options)
        defer { paced.close() }
        let frame = VideoFrame()
        var times: [Double] = [], arrivals: [UInt64] = []
        while try paced.read(into: frame) {
            times.append(frame.seconds)
            arrivals.append(frame.capturedAt)
        }
        #expect(times.count >= 29, "\(times.count) frames in one second at 29.97 fps")
        for k in times.indices.dropFirst() {
            let waited = Double(arrivals[k] - arrivals[0]) / 1e9
            #expect(waited >= times[k] - times[0] - 0.001, "frame \(k) came \(waited) s after the first, stamped \(times[k] - times[0]) s")
        }
        let plain = try FFmpegSource(path)
        defer { plain.close() }
        var plainTimes: [Double] = []
        while try plain.read(into: frame) { plainTimes.append(frame.seconds) }
        #expect(plainTimes == times)
    }
}
