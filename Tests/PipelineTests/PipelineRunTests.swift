import Foundation
import Testing
import FacepipeCore
@testable import Pipeline

/// Whole runs with real decoded frames (short_hamilton_clip.mp4 via the ffmpeg CLI) and
/// recording stages. Assertions are on counts, order and bounds, never on exact timing.
@Suite(.serialized) struct PipelineRunTests {
    struct Chain {
        let detect = RecordingStage("detect")
        let track: RecordingStage
        let overlay = RecordingStage("overlay")
        let sink: RecordingSink
        let events = CountingEventSink()
        init(trackFailAt: Int? = nil, sinkFailAt: Int? = nil, detectDelay: UInt32 = 0) {
            track = RecordingStage("track", failAt: trackFailAt)
            sink = RecordingSink(failAt: sinkFailAt)
            detectDelayed = detectDelay > 0 ? RecordingStage("detect", delayMicroseconds: detectDelay) : nil
        }
        let detectDelayed: RecordingStage?
        var detector: RecordingStage { detectDelayed ?? detect }
        var stages: [RecordingStage] { [detector, track, overlay] }

        func pipeline(_ source: FrameSource, _ settings: PipelineSettings) throws -> Pipeline {
            try Pipeline(source: source,
                         stages: [.detector(detector), PipelineStage(track), PipelineStage(overlay, inputRing: 2)],
                         frameSinks: [NamedFrameSink("recorder", sink)], eventSinks: [events], settings: settings)
        }

        /// Every stage and sink finished exactly once.
        func expectAllFinished() {
            for stage in stages { #expect(stage.finishCalls.count == 1, "\(stage.name) finished \(stage.finishCalls.count) times") }
            #expect(sink.finishCount == 1)
            #expect(events.finishCount == 1)
        }
    }

    @Test func losslessDeliversEveryFrameInOrder() throws {
        let chain = Chain()
        let source = try RawFrameSource(total: 96)
        // A pool of 3 frames forces each frame object to be reused about 30 times.
        let pipeline = try chain.pipeline(source, PipelineSettings(poolFrames: 3))
        #expect(pipeline.policy == .lossless)
        let result = pipeline.run()
        #expect(result.error == nil)
        #expect(result.endedBy == .endOfStream)
        #expect(chain.sink.indices == Array(0..<96))
        #expect(chain.sink.contentMismatches == 0)
        #expect(chain.sink.detected.allSatisfy { $0 })
        for stage in chain.stages { #expect(stage.processed == Array(0..<96), "\(stage.name) saw frames out of order") }
        chain.expectAllFinished()
        #expect(chain.track.finishCalls.first?.frame == 95)
        #expect(abs((chain.track.finishCalls.first?.time ?? 0) - 95 * 1001.0 / 30000) < 1e-9)
        #expect(source.closeCount >= 1)
        let s = result.stats
        #expect(s.framesRead == 96 && s.framesWritten == 96 && s.framesDropped == 0 && s.framesVoided == 0)
        #expect(s.framesDetected == 96)
        #expect(s.latencyP50 != nil && s.latencyP99! >= s.latencyP50!)
        #expect(s.stages.map(\.name) == ["source", "detect", "track", "overlay", "sink"])
        #expect(result.framesNotReturned == 0 && !result.sourceLeftBehind)
        #expect(s.summary.contains("96 read, 96 written, 0 dropped"))
    }

    @Test func losslessWithSlowStageStillLosesNothing() throws {
        let detect = RecordingStage("detect", delayMicroseconds: 2_000)
        let sink = RecordingSink()
        let pipeline = try Pipeline(source: RawFrameSource(total: 40), stages: [.detector(detect, inputRing: 2)],
                                    frameSinks: [NamedFrameSink("recorder", sink)],
                                    settings: PipelineSettings(poolFrames: 4))
        let result = pipeline.run()
        #expect(result.succeeded)
        #expect(sink.indices == Array(0..<40))
        #expect(result.stats.framesDropped == 0)
        #expect(result.framesNotReturned == 0)
    }

    @Test func detectEveryRunsDetectionOnEveryNthFrame() throws {
        let chain = Chain()
        let pipeline = try chain.pipeline(RawFrameSource(total: 48), PipelineSettings(detectEvery: 3, poolFrames: 5))
        let result = pipeline.run()
        #expect(result.succeeded)
        #expect(chain.sink.indices == Array(0..<48))
        #expect(chain.sink.detected == (0..<48).map { $0 % 3 == 0 })
        #expect(chain.detect.processed == Array(stride(from: 0, to: 48, by: 3)))
        #expect(chain.track.processed == Array(0..<48), "skipped frames must still reach the tracker")
        #expect(result.stats.framesDetected == 16 && result.stats.detectionSkippedByInterval == 32)
    }

    /// A camera-like source (paced, live) and a detector far slower than the frame rate:
    /// frames are dropped at the first ring and counted, the sink still sees frames in
    /// order, the detector works on fresh frames, and latency stays bounded.
    @Test func liveWithSlowDetectorDropsStaleFramesAndKeepsLatencyBounded() throws {
        let chain = Chain(detectDelay: 25_000)
        let source = try RawFrameSource(total: 150, live: true, pacingMicroseconds: 2_000)
        let pipeline = try chain.pipeline(source, PipelineSettings(poolFrames: 6))
        #expect(pipeline.policy == .latest)
        let result = pipeline.run()
        #expect(result.succeeded)
        let s = result.stats
        #expect(s.framesRead == 150)
        #expect(s.framesDropped > 0, "a 25 ms detector behind a 2 ms source must drop")
        #expect(s.framesRead == s.framesWritten + s.framesDropped, "every frame is written or counted as dropped")
        #expect(chain.sink.indices.count == s.framesWritten)
        #expect(zip(chain.sink.indices, chain.sink.indices.dropFirst()).allSatisfy { $0 < $1 }, "frames out of order")
        #expect(chain.sink.contentMismatches == 0)
        #expect(chain.detector.processed.count < 150 / 2)
        #expect(s.framesDetected == chain.sink.detected.filter { $0 }.count)
        #expect(s.framesDetected + s.detectionSkippedAsStale == s.framesWritten)
        // How long frames wait is wall-clock time, which a unit test does not assert: the
        // bounded latency of a live run is checked end to end (EndToEndTests.LiveStreamTests).
        #expect(s.latencyP99 != nil)
        #expect(result.framesNotReturned == 0)
        chain.expectAllFinished()
    }

    /// Under the live policy only the first ring drops: with a slow stage that is not the
    /// detector, frames pile up behind it, the pool runs dry, and the source recycles the
    /// oldest frames still waiting at the first ring rather than waiting itself.
    @Test func liveDropsOnlyAtTheFirstRingWhenAnotherStageIsSlow() throws {
        let detect = RecordingStage("detect")
        let overlay = RecordingStage("overlay", delayMicroseconds: 15_000)
        let sink = RecordingSink()
        let source = try RawFrameSource(total: 80, live: true, pacingMicroseconds: 2_000)
        let pipeline = try Pipeline(source: source, stages: [.detector(detect), PipelineStage(overlay, inputRing: 2)],
                                    frameSinks: [NamedFrameSink("recorder", sink)],
                                    settings: PipelineSettings(poolFrames: 5))
        let result = pipeline.run()
        #expect(result.succeeded)
        let s = result.stats
        #expect(s.framesDropped > 0)
        #expect(s.framesRead == 80 && s.framesRead == s.framesWritten + s.framesDropped)
        #expect(overlay.processed == sink.indices, "a stage after the first ring lost or reordered frames")
        #expect(zip(sink.indices, sink.indices.dropFirst()).allSatisfy { $0 < $1 })
        #expect(result.framesNotReturned == 0)
    }

    @Test func liveDetectEveryCombinesWithNewestFirst() throws {
        let chain = Chain()
        let source = try RawFrameSource(total: 60, live: true, pacingMicroseconds: 500)
        let result = try chain.pipeline(source, PipelineSettings(detectEvery: 4, poolFrames: 8)).run()
        #expect(result.succeeded)
        let detectedIndices = zip(chain.sink.indices, chain.sink.detected).filter(\.1).map(\.0)
        #expect(zip(detectedIndices, detectedIndices.dropFirst()).allSatisfy { $1 - $0 >= 4 })
        #expect(result.stats.framesRead == result.stats.framesWritten + result.stats.framesDropped)
    }

    @Test func stageFaultStopsEverythingFinishesAllAndReportsTheStage() throws {
        let chain = Chain(trackFailAt: 10)
        let pipeline = try chain.pipeline(RawFrameSource(total: 5_000), PipelineSettings(poolFrames: 4))
        let result = pipeline.run()
        let error = try #require(result.error)
        #expect(error.stage == "track")
        #expect(error.frameIndex == 10)
        #expect("\(error)" == "stage 'track' failed at frame 10: track rejects frame 10")
        #expect(result.endedBy == .failed)
        // Frames before the failing one are complete; it and everything after are not written.
        #expect(chain.sink.indices == Array(0..<10))
        #expect(chain.overlay.processed == Array(0..<10))
        chain.expectAllFinished()
        #expect(chain.track.finishCalls.first?.frame == 10)
        #expect(result.stats.framesRead <= 10 + 4 + 1, "the source kept reading after the fault")
        #expect(result.stats.framesWritten + result.stats.framesVoided == result.stats.framesRead)
        #expect(result.framesNotReturned == 0)
    }

    @Test func sourceFaultKeepsWhatWasAlreadyRead() throws {
        let chain = Chain()
        let source = try RawFrameSource(total: 48, failAt: 20)
        let result = try chain.pipeline(source, PipelineSettings(poolFrames: 4)).run()
        #expect(result.error?.stage == "source")
        #expect(result.error?.frameIndex == nil)
        #expect("\(result.error!)".contains("camera unplugged at frame 20"))
        #expect(chain.sink.indices == Array(0..<20))
        chain.expectAllFinished()
        #expect(source.closeCount >= 1)
        #expect(result.framesNotReturned == 0)
    }

    @Test func sinkFaultIsReportedAndSinksStillFinish() throws {
        let chain = Chain(sinkFailAt: 7)
        let result = try chain.pipeline(RawFrameSource(total: 200), PipelineSettings(poolFrames: 4)).run()
        #expect(result.error?.stage == "recorder")
        #expect(result.error?.frameIndex == 7)
        #expect(chain.sink.indices == Array(0..<7))
        chain.expectAllFinished()
        #expect(result.framesNotReturned == 0)
    }

    @Test func stopRequestFinishesFramesInFlightAndTheSinks() throws {
        let chain = Chain()
        let pipeline = try chain.pipeline(RawFrameSource(total: 100_000), PipelineSettings(poolFrames: 6))
        chain.sink.onWrite = { index in if index == 20 { pipeline.requestStop() } }
        let result = pipeline.run()
        #expect(result.error == nil)
        #expect(result.endedBy == .stopped)
        let s = result.stats
        #expect(s.framesRead < 100)
        #expect(s.framesWritten == s.framesRead, "a graceful stop finishes every frame already read")
        #expect(chain.sink.indices == Array(0..<s.framesRead))
        chain.expectAllFinished()
        #expect(result.framesNotReturned == 0)
    }

    @Test func secondStopRequestAbortsButStillFinishesTheSinks() throws {
        let chain = Chain(detectDelay: 5_000)
        let pipeline = try chain.pipeline(RawFrameSource(total: 100_000), PipelineSettings(poolFrames: 8))
        chain.sink.onWrite = { index in
            if index == 3 {
                pipeline.requestStop()
                pipeline.requestStop()
            }
        }
        let result = pipeline.run()
        #expect(result.endedBy == .aborted)
        #expect(result.error == nil)
        #expect(chain.sink.indices == Array(0...3), "frames in flight are void after an abort")
        #expect(result.stats.framesWritten == 4)
        #expect(result.stats.framesVoided == result.stats.framesRead - 4)
        chain.expectAllFinished()
        #expect(result.framesNotReturned == 0)
    }

    /// Ctrl-C twice with a camera stuck in `read`: the run still ends, stages and sinks are
    /// finished, and the result says the source was left behind.
    /// (A run that never ends fails on the time limit; no wall-clock assertion.)
    @Test(.timeLimit(.minutes(1))) func abortFinishesTheOutputsEvenWhenTheSourceIsStuck() throws {
        let chain = Chain()
        let source = try StallingSource(stallAfter: 5)
        defer { source.release() }
        let pipeline = try chain.pipeline(source, PipelineSettings(poolFrames: 6))
        chain.sink.onWrite = { index in
            if index == 4 {
                pipeline.requestStop()
                pipeline.requestStop()
            }
        }
        let result = pipeline.run()
        #expect(result.endedBy == .aborted)
        #expect(result.sourceLeftBehind)
        #expect(RunExit.of(result, signal: SIGINT, liveInput: true) == RunExit(
            status: 130, reason: "aborted (second signal: frames in flight discarded) by SIGINT (Ctrl-C); the input did not stop"))
        // Live policy: the first ring may have dropped early frames, never the newest.
        #expect(chain.sink.indices.last == 4)
        #expect(result.stats.framesWritten + result.stats.framesDropped == 5)
        chain.expectAllFinished()
    }

    /// A real SIGTERM delivered to this process while the handlers are installed.
    @Test func signalRequestsAGracefulStop() throws {
        let chain = Chain()
        let pipeline = try chain.pipeline(RawFrameSource(total: 100_000), PipelineSettings(poolFrames: 6))
        let signals = StopSignals(stopping: pipeline)
        defer { signals.uninstall() }
        chain.sink.onWrite = { index in if index == 10 { kill(getpid(), SIGTERM) } }
        let result = pipeline.run()
        #expect(result.endedBy == .stopped)
        #expect(result.error == nil)
        #expect(result.stats.framesRead < 5_000)
        #expect(result.stats.framesWritten == result.stats.framesRead)
        chain.expectAllFinished()
    }

    @Test func emptySourceFinishesEverythingWithNoFrames() throws {
        let chain = Chain()
        let result = try chain.pipeline(RawFrameSource(total: 0), PipelineSettings()).run()
        #expect(result.succeeded)
        #expect(result.stats.framesRead == 0 && chain.sink.indices.isEmpty)
        #expect(chain.detect.finishCalls.first?.frame == -1)
        chain.expectAllFinished()
        #expect(result.stats.latencyP50 == nil)
    }

    @Test func sinkOnlyPipelineWorks() throws {
        let sink = RecordingSink()
        let result = try Pipeline(source: RawFrameSource(total: 30), stages: [],
                                  frameSinks: [NamedFrameSink("recorder", sink)]).run()
        #expect(result.succeeded)
        #expect(sink.indices == Array(0..<30))
    }

    @Test func progressIsReportedAndEndsComplete() throws {
        final class Collect: ProgressReporter {
            var reports: [PipelineProgress] = []
            var final: PipelineProgress?
            func report(_ progress: PipelineProgress) { reports.append(progress) }
            func finish(_ progress: PipelineProgress) { final = progress }
        }
        let collect = Collect()
        let detect = RecordingStage("detect", delayMicroseconds: 3_000)
        let result = try Pipeline(source: RawFrameSource(total: 60), stages: [.detector(detect)])
            .run(progress: collect, progressInterval: 0.02)
        #expect(result.succeeded)
        #expect(!collect.reports.isEmpty)
        let final = try #require(collect.final)
        #expect(final.framesWritten == 60)
        #expect(final.fraction == 1)
        #expect(StderrProgressBar.line(for: final).contains("100%"))
    }

    @Test func progressLineShowsFractionRateAndEta() {
        let p = PipelineProgress(elapsedSeconds: 10, framesRead: 150, framesWritten: 150, framesDropped: 2,
                                 streamSeconds: 5, fraction: 0.5)
        #expect(StderrProgressBar.line(for: p) == "[############............]  50% 150 frames  15.0 fps  2 dropped  ETA 0:10")
        let live = PipelineProgress(elapsedSeconds: 4000, framesRead: 8, framesWritten: 8, framesDropped: 0,
                                    streamSeconds: 1, fraction: nil)
        #expect(StderrProgressBar.line(for: live) == "8 frames  0.0 fps")
        #expect(StderrProgressBar.clock(3725) == "1:02:05")
    }

    @Test func invalidSetupsAreRejected() throws {
        let a = RecordingStage("detect"), b = RecordingStage("detect2")
        #expect(throws: PipelineSetupError.self) {
            try Pipeline(source: RawFrameSource(total: 1), stages: [.detector(a), .detector(b)])
        }
        #expect(throws: PipelineSetupError.self) {
            try Pipeline(source: RawFrameSource(total: 1), stages: [.detector(a)], settings: PipelineSettings(detectEvery: 0))
        }
        #expect(throws: PipelineSetupError.self) {
            try Pipeline(source: RawFrameSource(total: 1), stages: [PipelineStage(a, inputRing: 0)])
        }
    }
}
