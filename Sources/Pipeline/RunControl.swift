import Atomics
import FacepipeCore

/// Shared, lock-free run state that every stage thread reads: stop requests, the frame
/// cut-off after a fault or an abort, and the first error.
final class RunControl: @unchecked Sendable {
    enum StopLevel: Int { case running = 0, graceful = 1, abort = 2 }

    private let level = ManagedAtomic<Int>(0)
    /// Frames with `index >= cutoff` are void: stages pass them on untouched and the sink
    /// does not write them. Lowered to the failing frame on a fault, to everything on abort.
    private let cutoffIndex = ManagedAtomic<Int>(Int.max)
    private let faultClaimed = ManagedAtomic<Bool>(false)
    /// Written once by the thread that wins `faultClaimed`; read after all threads joined.
    private(set) var fault: PipelineError?

    var stopRequested: Bool { level.load(ordering: .relaxed) >= StopLevel.graceful.rawValue }
    var abortRequested: Bool { level.load(ordering: .relaxed) >= StopLevel.abort.rawValue }
    var stopLevel: StopLevel { StopLevel(rawValue: level.load(ordering: .relaxed)) ?? .abort }

    @inline(__always) func isVoid(_ frame: VideoFrame) -> Bool {
        frame.index >= cutoffIndex.load(ordering: .relaxed)
    }

    /// First call: stop reading, finish frames in flight. Second: also void frames in flight.
    func requestStop() {
        let now = level.loadThenWrappingIncrement(ordering: .relaxed) + 1
        if now >= StopLevel.abort.rawValue {
            level.store(StopLevel.abort.rawValue, ordering: .relaxed)
            lowerCutoff(to: Int.min)
        }
    }

    func abort() {
        level.store(StopLevel.abort.rawValue, ordering: .relaxed)
        lowerCutoff(to: Int.min)
    }

    /// Records a stage's error (only the first one is kept) and stops the run. Frames from
    /// `frameIndex` on never reach the sinks; nil (source faults) keeps what was already read.
    func reportFault(stage: String, error: Error, frameIndex: Int?) {
        if let frameIndex { lowerCutoff(to: frameIndex) }
        if faultClaimed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            fault = PipelineError(stage: stage, frameIndex: frameIndex, underlying: error)
        }
        // At least a graceful stop; keep an abort that is already under way.
        _ = level.compareExchange(expected: StopLevel.running.rawValue, desired: StopLevel.graceful.rawValue,
                                  ordering: .relaxed)
    }

    private func lowerCutoff(to index: Int) {
        var current = cutoffIndex.load(ordering: .relaxed)
        while index < current {
            let (done, seen) = cutoffIndex.compareExchange(expected: current, desired: index, ordering: .relaxed)
            if done { return }
            current = seen
        }
    }
}

/// The error a run ends with: which stage failed, on which frame, and why.
public struct PipelineError: Error, CustomStringConvertible, @unchecked Sendable {
    public let stage: String
    /// Index of the frame being processed, nil when the fault was not tied to one frame
    /// (the source, a sink's finish).
    let frameIndex: Int?
    let underlying: Error

    public var description: String {
        let at = frameIndex.map { " at frame \($0)" } ?? ""
        return "stage '\(stage)' failed\(at): \(underlying)"
    }
}
