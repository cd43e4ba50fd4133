import Foundation
import Testing
import FacepipeCore
import TestSupport
@testable import Tracker

final class CollectingSink: EventSink {
    var events: [FaceEvent] = []
    var flushes = 0
    func emit(_ event: FaceEvent) throws { events.append(event) }
    func flush() throws { flushes += 1 }
    func finish() throws {}
}

@Suite struct TrackerStageTests {
    @Test func stageFillsFacesAndSendsEvents() throws {
        let sink = CollectingSink()
        let stage = TrackerStage(sink: sink)
        #expect(stage.name == "track")
        let frame = VideoFrame()
        frame.reshape(width: 64, height: 48)
        frame.timeBase = Rational(1, 90_000)
        for i in 0..<5 {
            frame.resetMetadata()
            frame.index = i
            frame.pts = Int64(i * 3600) // 25 fps in a 90 kHz time base
            frame.detected = true
            frame.detections.append(Detection(box: Box(x: 10, y: 10, width: 20, height: 20), score: 0.9))
            try stage.process(frame)
            #expect(frame.faces.count == (i >= 2 ? 1 : 0))
        }
        try stage.finish(lastTime: frame.seconds, lastFrame: 4)
        #expect(sink.events.map(\.kind) == [.trackStart, .face, .face, .face, .trackEnd])
        #expect(sink.events.last?.summary?.reason == .endOfStream)
        #expect(abs(sink.events.last!.time - 4 * 0.04) < 1e-9)
        // Flushed after each frame with events (frames 2, 3, 4) and once at the end.
        #expect(sink.flushes == 4)
    }

    @Test func shippedConfigIsTheStandardOne() throws {
        let config = try TrackerConfig.load(fromFile: TestPaths.repo("Configs/tracker.yaml").path)
        #expect(config == TrackerConfig.standard)
    }

    @Test func badConfigsNameTheKey() throws {
        let text = try String(contentsOf: TestPaths.repo("Configs/tracker.yaml"), encoding: .utf8)
        let dir = try TestPaths.scratch("trackerconfig")
        defer { try? FileManager.default.removeItem(at: dir) }
        func error(_ yaml: String) -> String {
            let path = dir.appendingPathComponent("t.yaml").path
            _ = FileManager.default.createFile(atPath: path, contents: Data(yaml.utf8))
            do { _ = try TrackerConfig.load(fromFile: path); return "accepted" } catch { return "\(error)" }
        }
        #expect(error(text.replacingOccurrences(of: "min_hits: 3", with: "min_hitz: 3")).hasSuffix("min_hitz: unknown key 'min_hitz'"))
        #expect(error(text.replacingOccurrences(of: "  velocity_noise: 1.0", with: "  velocity_noise: fast"))
            .hasSuffix("kalman.velocity_noise: expected a number, found 'fast'"))
        #expect(error(text.replacingOccurrences(of: "low_score: 0.2", with: "low_score: 0.8"))
            .hasSuffix("low_score: must not exceed high_score (0.8 > 0.7)"))
        #expect(error(text.replacingOccurrences(of: "min_hits: 3", with: "min_hits: 0")).hasSuffix("min_hits: must be at least 1, found 0"))
        #expect(error(text.replacingOccurrences(of: "show_lost_seconds: 0.25\n", with: "")).hasSuffix("missing required key 'show_lost_seconds'"))
        #expect(error(text) == "accepted")
    }
}
