import Foundation
import Testing
import FacepipeCore
import TestSupport
@testable import Tracker

@Suite struct TrackerStageTests {
    /// Events travel on their frame (the pipeline's sink side writes them and flushes after each
    /// frame that has some: PipelineRunTests); those of the end of the stream are taken after `finish`.
    @Test func stageFillsFacesAndPutsEventsOnTheirFrame() throws {
        var events: [FaceEvent] = []
        var framesWithEvents = 0
        let stage = TrackerStage()
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
            events += frame.events
            if !frame.events.isEmpty { framesWithEvents += 1 }
        }
        try stage.finish(lastTime: frame.seconds, lastFrame: 4)
        let final = stage.takeFinalEvents()
        events += final
        #expect(events.map(\.kind) == [.trackStart, .face, .face, .face, .trackEnd])
        #expect(events.last?.summary?.reason == .endOfStream)
        #expect(abs(events.last!.time - 4 * 0.04) < 1e-9)
        // Events on frames 2, 3 and 4, and at the end: four writes, each flushed by the sink side.
        #expect(framesWithEvents + (final.isEmpty ? 0 : 1) == 4)
        #expect(stage.takeFinalEvents().isEmpty, "final events are handed over once")
    }

    /// The stage measures each real frame's change itself: on the demo clip's cut at frame 211 the
    /// track ends, and with --detect-every 3 (no detection on 211) what redaction hid before the cut
    /// stays hidden as long as the track could have coasted (max_lost_seconds), then goes.
    @Test func aRealCutEndsTracksAndRedactionHoldsTheirBoxesAsTheTracksWould() throws {
        let clip = try DecodedClip(TestPaths.data("videos/short_hamilton_clip.mp4"), width: 640, height: 360)
        let frame = VideoFrame()
        for _ in 0..<200 { #expect(try clip.next(into: frame)) }
        let config = TrackerConfig.standard
        let stage = TrackerStage(config: config, redaction: RedactionRegions(score: 0.3, holdSeconds: 0.2))
        // The face before the cut, and another face elsewhere after it.
        let before = Box(x: 300, y: 60, width: 60, height: 70), after = Box(x: 80, y: 120, width: 50, height: 60)
        var events: [FaceEvent] = [], shown: [Int: [Int]] = [:], hidden: [Int: [Box]] = [:]
        let timeBase = Rational(1001, 30_000)
        for index in 200..<270 {
            #expect(try clip.next(into: frame))
            frame.resetMetadata()
            frame.index = index
            frame.timeBase = timeBase
            frame.pts = Int64(index)
            frame.detected = index % 3 == 0
            if frame.detected { frame.detections.append(Detection(box: index < 211 ? before : after, score: 0.95)) }
            try stage.process(frame)
            events += frame.events
            shown[index] = frame.faces.map(\.id)
            hidden[index] = frame.redactions
        }
        let ends = events.filter { $0.kind == .trackEnd }
        #expect(ends.map { "\($0.track)@\($0.frame):\($0.summary!.reason.rawValue)" } == ["1@211:scene_cut"])
        #expect(events.filter { $0.kind == .trackStart }.map(\.track) == [1, 2])
        #expect(shown[210] == [1] && shown[211] == [] && shown[223] == [2])
        func hides(_ box: Box, _ index: Int) -> Bool { hidden[index]?.contains { $0.iou(box) > 0.8 } == true }
        // Held until the first detector run more than max_lost_seconds after the cut.
        let release = (211...).first { $0 % 3 == 0 && Double($0 - 211) * timeBase.value > config.maxLostSeconds }!
        for index in 211..<release { #expect(hides(before, index), "frame \(index)") }
        for index in release..<270 { #expect(!hides(before, index), "frame \(index)") }
        for index in 213..<270 { #expect(hides(after, index), "frame \(index)") }
    }

    /// The scene stage marks the demo clip's cuts (frames 20, 82, 211: SceneChangeMeterTests) at the
    /// tracker's scene_cut, and the track stage takes the change measured on the frame instead of
    /// measuring again: the same picture marked as changed ends the track.
    @Test func sceneStageMarksCutsAndTheTrackStageReadsItsMeasure() throws {
        let clip = try DecodedClip(TestPaths.data("videos/short_hamilton_clip.mp4"), width: 640, height: 360)
        let frame = VideoFrame()
        let scene = SceneStage(config: .standard)
        #expect(scene.name == "scene")
        var cuts: [Int] = [], index = 0
        while try clip.next(into: frame) {
            frame.resetMetadata()
            frame.index = index
            try scene.process(frame)
            #expect(frame.sceneMeasured)
            if frame.cameraCut { cuts.append(index) }
            index += 1
        }
        #expect(cuts == [20, 82, 211])
        try scene.finish(lastTime: 0, lastFrame: index - 1)
        try scene.process(frame)
        #expect(frame.sceneChange == 0 && !frame.cameraCut, "finish forgets the last picture")

        let track = TrackerStage()
        var ends: [FaceEvent] = []
        for i in 0..<6 {
            frame.resetMetadata()
            frame.index = i
            frame.timeBase = Rational(1, 25)
            frame.pts = Int64(i)
            frame.detected = true
            frame.detections.append(Detection(box: Box(x: 100, y: 100, width: 40, height: 40), score: 0.9))
            if i == 4 { frame.sceneMeasured = true; frame.sceneChange = 0.5 }
            try track.process(frame)
            ends += frame.events.filter { $0.kind == .trackEnd }
        }
        #expect(ends.map { "\($0.frame):\($0.summary!.reason.rawValue)" } == ["4:scene_cut"])
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
        #expect(error(text.replacingOccurrences(of: "scene_cut: 0.09", with: "scene_cut: 1.5"))
            .hasSuffix("scene_cut: must be in 0...1 (0: off), found 1.5"))
        #expect(error(text.replacingOccurrences(of: "show_lost_seconds: 0.25\n", with: "")).hasSuffix("missing required key 'show_lost_seconds'"))
        #expect(error(text) == "accepted")
    }
}
