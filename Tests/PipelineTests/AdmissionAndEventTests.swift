import Foundation
import Testing
import FacepipeCore
@testable import Pipeline

/// A stage that makes a face event on every third frame it works on, and one more when it finishes.
final class EventMakingTestStage: EventMakingStage, @unchecked Sendable {
    let name = "track"
    private var final: [FaceEvent] = []

    static func event(_ frame: Int) -> FaceEvent {
        FaceEvent(kind: .face, time: Double(frame) / 30, frame: frame, track: 1, box: Box(x: 1, y: 1, width: 4, height: 4),
                  score: 0.9, matched: true)
    }

    func process(_ frame: VideoFrame) throws {
        if frame.index % 3 == 0 { frame.events.append(Self.event(frame.index)) }
    }

    func finish(lastTime: Double, lastFrame: Int) throws { final = [Self.event(1000 + lastFrame)] }
    func takeFinalEvents() -> [FaceEvent] { defer { final = [] }; return final }
}

/// Marks the frames at `cuts` as camera cuts, as the scene stage does.
final class CutMarkingStage: FrameStage, @unchecked Sendable {
    let name = "scene"
    private let cuts: Set<Int>
    init(cuts: Set<Int>) { self.cuts = cuts }
    func process(_ frame: VideoFrame) throws { frame.cameraCut = cuts.contains(frame.index) }
    func finish(lastTime: Double, lastFrame: Int) throws {}
}

/// An event sink that records what it was asked to do, in order.
final class RecordingEventSink: EventSink, @unchecked Sendable {
    enum Call: Equatable { case emit(Int), flush, finish }
    private(set) var calls: [Call] = []
    func emit(_ event: FaceEvent) throws { calls.append(.emit(event.frame)) }
    func flush() throws { calls.append(.flush) }
    func finish() throws { calls.append(.finish) }
}

/// What a stage admits is declared, not special-cased for the detector; face events reach their
/// writers through the sink side, after their frame, flushed, and finished whatever ends the run.
@Suite struct AdmissionAndEventTests {
    @Test func anyStageAdmitsWhatItDeclares() throws {
        let every2 = RecordingStage("overlay"), all = RecordingStage("track")
        let sink = RecordingSink()
        let result = try Pipeline(source: RawFrameSource(total: 20),
                                  stages: [PipelineStage(every2, admission: Admission(every: .frames(2))),
                                           PipelineStage(all, admission: Admission(every: .detectEvery))],
                                  frameSinks: [NamedFrameSink("recorder", sink)],
                                  settings: PipelineSettings(detectEvery: 5)).run()
        #expect(result.succeeded)
        #expect(every2.processed == Array(stride(from: 0, to: 20, by: 2)))
        #expect(all.processed == Array(stride(from: 0, to: 20, by: 5)), "every: detect_every follows the run's interval")
        #expect(sink.indices == Array(0..<20) && sink.detected.allSatisfy { !$0 }, "only a detection stage marks frames")
        #expect(result.stats.framesDetected == 0)
    }

    /// A stage admitting `cuts` also works on a frame marked as a camera cut, and its interval
    /// counts from there; a stage that does not admit cuts keeps its own rhythm.
    @Test func aCutFrameIsAdmittedInsideTheInterval() throws {
        let marker = CutMarkingStage(cuts: [7, 8, 30])
        let detect = RecordingStage("detect"), other = RecordingStage("overlay")
        let sink = RecordingSink()
        let result = try Pipeline(source: RawFrameSource(total: 40),
                                  stages: [PipelineStage(marker),
                                           PipelineStage(detect, admission: .detection, marksDetected: true),
                                           PipelineStage(other, admission: Admission(every: .detectEvery))],
                                  frameSinks: [NamedFrameSink("recorder", sink)],
                                  settings: PipelineSettings(detectEvery: 5)).run()
        #expect(result.succeeded)
        #expect(detect.processed == [0, 5, 7, 8, 13, 18, 23, 28, 30, 35])
        #expect(other.processed == Array(stride(from: 0, to: 40, by: 5)))
        #expect(sink.indices == Array(0..<40))
        #expect(zip(sink.indices, sink.detected).filter(\.1).map(\.0) == detect.processed)
    }

    @Test func eventsAreWrittenAfterTheirFrameFlushedAndFinished() throws {
        let events = RecordingEventSink()
        let result = try Pipeline(source: RawFrameSource(total: 12), stages: [PipelineStage(EventMakingTestStage())],
                                  eventSinks: [events]).run()
        #expect(result.succeeded)
        // One flush per frame with events (0, 3, 6, 9), then the final events, a last flush, finish.
        #expect(events.calls == [.emit(0), .flush, .emit(3), .flush, .emit(6), .flush, .emit(9), .flush,
                                 .emit(1011), .flush, .finish])
    }

    @Test func eventsAreFlushedAndFinishedOnAFault() throws {
        let events = RecordingEventSink()
        let result = try Pipeline(source: RawFrameSource(total: 30),
                                  stages: [PipelineStage(EventMakingTestStage()), PipelineStage(RecordingStage("overlay", failAt: 7))],
                                  eventSinks: [events], settings: PipelineSettings(poolFrames: 3)).run()
        #expect(result.error?.stage == "overlay")
        let emitted = events.calls.compactMap { if case .emit(let frame) = $0 { frame } else { nil } }
        #expect(Array(emitted.prefix(3)) == [0, 3, 6], "events of frames before the fault are kept, in order")
        #expect(emitted.last.map { $0 >= 1000 } == true, "the events of the stages' finish are written")
        #expect(Array(events.calls.suffix(2)) == [.flush, .finish])
        #expect(events.calls.filter { $0 == .finish }.count == 1)
    }
}
