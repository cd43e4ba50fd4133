import Foundation
import Testing
import FacepipeCore
@testable import Pipeline

/// How a run's end maps onto the exit status (README, "Errors, exit status and signals").
/// In PipelineRunTests (serialized) because the signal test signals this very process.
extension PipelineRunTests {
    /// Real signals to a real `facepipe` process are tested end to end (RunOutcomeEndToEndTests):
    /// in this test process the runner's main thread takes SIGINT/SIGHUP/SIGQUIT itself.
    @Test(arguments: [SIGHUP, SIGQUIT, SIGINT, SIGTERM])
    func aStopBySignalExitsWith128PlusItsNumber(signal: Int32) throws {
        let chain = Chain()
        let pipeline = try chain.pipeline(RawFrameSource(total: 100_000), PipelineSettings(poolFrames: 6))
        chain.sink.onWrite = { index in if index == 10 { pipeline.requestStop() } }
        let result = pipeline.run()
        #expect(result.endedBy == .stopped)
        chain.expectAllFinished()
        let exit = RunExit.of(result, signal: signal, liveInput: true)
        #expect(exit.status == 128 + signal)
        #expect(exit.reason == "stopped by \(StopSignals.name(of: signal))")
    }

    @Test func theEndOfAFileIsCompleteTheEndOfALiveInputIsNot() throws {
        let result = try Chain().pipeline(RawFrameSource(total: 12), PipelineSettings()).run()
        #expect(RunExit.of(result, signal: nil, liveInput: false) == RunExit(status: 0, reason: "complete: the input was read to its end"))
        #expect(RunExit.of(result, signal: nil, liveInput: true).status == RunExit.liveInputEnded)
    }

    @Test func aFaultIsAFailure() throws {
        let result = try Chain(trackFailAt: 5).pipeline(RawFrameSource(total: 40), PipelineSettings()).run()
        #expect(result.error != nil)
        #expect(RunExit.of(result, signal: nil, liveInput: false).status == RunExit.failed)
    }

    @Test func withoutAFrameSinkTheSummaryLeavesOutTheSinkTiming() throws {
        let result = try Pipeline(source: RawFrameSource(total: 20), stages: [PipelineStage(RecordingStage("track"))],
                                  frameSinks: [], settings: PipelineSettings()).run()
        let summary = result.stats.summary
        #expect(!summary.split(separator: "\n").contains { $0.contains("sink") && $0.contains("fps alone") }, "\(summary)")
        #expect(summary.contains("no video output"))
    }
}
