import Dispatch
import Foundation
import FacepipeCore

/// Runs a source, a chain of stages and the sinks, each on its own named thread, joined by
/// SPSC rings; frames come from a fixed pool and go back to it after the sink.
///
/// ```
/// source ─ring─▶ stage 1 ─ring─▶ … stage n ─ring─▶ sink writer ─pool ring─▶ source
/// ```
///
/// Policies (`FramePolicy`): `lossless` applies back-pressure everywhere. `latest` drops
/// frames only at the first ring, in the source thread (see `SourceWorker`), and a stage that
/// admits the newest frame when live (the detector) passes older ones on (see `StageWorker`).
/// Face events travel on their frame; the sink thread writes them after it (see `EventWriting`).
///
/// Stop: `requestStop()` (or a signal, see `StopSignals`) stops reading; frames in flight are
/// finished, every stage's `finish` runs, the sinks are finalised. A second request also
/// voids frames in flight, and if the source is stuck in `read` for more than a second the
/// run finishes without it (`PipelineResult.sourceLeftBehind`). A thrown error does the same as a first request, voids the
/// failing frame and those after it, and is reported (the first error wins).
public final class Pipeline: @unchecked Sendable {
    private let source: FrameSource
    private let stages: [PipelineStage]
    private let frameSinks: [NamedFrameSink]
    private let eventSinks: [EventSink]
    public let settings: PipelineSettings
    /// The policy this run uses (the settings' choice, or the source's liveness).
    public let policy: FramePolicy
    let poolFrames: Int
    private let control = RunControl()
    private var started = false

    public init(source: FrameSource, stages: [PipelineStage], frameSinks: [NamedFrameSink] = [],
                eventSinks: [EventSink] = [], settings: PipelineSettings = PipelineSettings()) throws {
        guard settings.detectEvery >= 1 else {
            throw PipelineSetupError(description: "detect-every must be at least 1, got \(settings.detectEvery)")
        }
        guard stages.filter(\.marksDetected).count <= 1 else {
            throw PipelineSetupError(description: "at most one stage can be the detector, got "
                                     + stages.filter(\.marksDetected).map(\.stage.name).joined(separator: ", "))
        }
        for spec in stages where spec.admission.interval(detectEvery: settings.detectEvery) < 1 {
            throw PipelineSetupError(description: "\(spec.stage.name): admits every \(spec.admission.every), must be at least 1")
        }
        for capacity in stages.map(\.inputRing) + [settings.sinkRing] where !(1...Self.maxRing).contains(capacity) {
            throw PipelineSetupError(description: "ring capacity must be in 1...\(Self.maxRing), got \(capacity)")
        }
        self.source = source
        self.stages = stages
        self.frameSinks = frameSinks
        self.eventSinks = eventSinks
        self.settings = settings
        policy = settings.resolvedPolicy(for: source.info)
        // Default: one frame per thread at work, the first ring full, and one spare each side.
        let pool = settings.poolFrames ?? (stages.count + 2 + (stages.first?.inputRing ?? settings.sinkRing) + 2)
        guard (2...Self.maxRing).contains(pool) else {
            throw PipelineSetupError(description: "pool frames must be in 2...\(Self.maxRing), got \(pool)")
        }
        poolFrames = pool
    }

    static let maxRing = 1024

    /// Asks the run to stop: the first call stops reading and lets frames in flight finish;
    /// a second call also drops frames in flight. Thread-safe; a signal handler may call it.
    func requestStop() { control.requestStop() }

    /// Stops at once: frames in flight are dropped; stages and sinks are still finished.
    func abort() { control.abort() }

    /// Runs to the end of the stream, a stop request or a fault; blocks the calling thread,
    /// which reports progress every `progressInterval` seconds. Call once.
    public func run(progress: ProgressReporter? = nil, progressInterval: Double = 0.5) -> PipelineResult {
        precondition(!started, "a Pipeline runs once")
        started = true
        let startedAt = monotonicNanoseconds()
        let pool = FramePool(frames: poolFrames)

        let firstRing = SPSCRing<VideoFrame>(capacity: stages.first?.inputRing ?? settings.sinkRing,
                                             producerMayEvict: policy == .latest)
        var inputs = [firstRing]
        for spec in stages.dropFirst() { inputs.append(SPSCRing(capacity: spec.inputRing)) }
        let sinkInput = stages.isEmpty ? firstRing : SPSCRing<VideoFrame>(capacity: settings.sinkRing)

        let sourceWorker = SourceWorker(source: source, pool: pool, output: firstRing, policy: policy, control: control)
        let stageWorkers = stages.enumerated().map { i, spec in
            StageWorker(spec, policy: policy, detectEvery: settings.detectEvery, input: inputs[i],
                        output: i + 1 < stages.count ? inputs[i + 1] : sinkInput, control: control)
        }
        let events = EventWriting(sinks: eventSinks, stages: stages, control: control)
        let sinkWorker = SinkWorker(sinks: frameSinks, events: events, input: sinkInput, pool: pool, control: control)

        let workers = DispatchGroup(), sourceDone = DispatchGroup()
        startThread("fp-sink", workers) { sinkWorker.run() }
        for (worker, spec) in zip(stageWorkers, stages) {
            startThread("fp-" + spec.stage.name, workers) { worker.run() }
        }
        startThread("fp-source", sourceDone) { sourceWorker.run() }

        let info = source.info
        func snapshot() -> PipelineProgress {
            progressSnapshot(info: info, startedAt: startedAt, source: sourceWorker.counters, sink: sinkWorker.counters)
        }
        let sourceLeftBehind = waitForThreads(workers: workers, sourceDone: sourceDone, firstRing: firstRing,
                                              progress: progress, interval: progressInterval, snapshot: snapshot)
        progress?.finish(snapshot())

        if !sourceLeftBehind {
            // Every thread has exited: this thread may now act as the pool ring's producer.
            for frame in sourceWorker.stash { _ = pool.free.tryPush(frame) }
        }
        let wall = Double(monotonicNanoseconds() - startedAt) / 1e9
        let stats = makeStats(wall: wall, source: sourceWorker, stages: stageWorkers, sink: sinkWorker,
                              sourceStopped: !sourceLeftBehind)
        return PipelineResult(error: control.fault, stats: stats, endedBy: endReason(),
                              framesNotReturned: pool.total - pool.available, sourceLeftBehind: sourceLeftBehind)
    }

    /// After an abort, how long the source may stay stuck in `read` (a camera that stopped
    /// delivering) before the run finishes without it.
    static let sourceAbortGraceSeconds = 1.0

    /// Waits for all threads, reporting progress. Returns true when the source thread was left
    /// behind: aborted, but still blocked in `read` after the grace period; then the first
    /// ring is closed for it so the stages and sinks still finish.
    private func waitForThreads(workers: DispatchGroup, sourceDone: DispatchGroup, firstRing: SPSCRing<VideoFrame>,
                                progress: ProgressReporter?, interval: Double,
                                snapshot: () -> PipelineProgress) -> Bool {
        var nextReport = monotonicNanoseconds() + UInt64(interval * 1e9)
        var abortSeenAt: UInt64?
        var leftBehind = false
        let tick = DispatchTimeInterval.milliseconds(20)
        while true {
            let sourceFinished = leftBehind || sourceDone.wait(timeout: .now() + tick) == .success
            if sourceFinished && workers.wait(timeout: .now() + tick) == .success { return leftBehind }
            let now = monotonicNanoseconds()
            if now >= nextReport {
                progress?.report(snapshot())
                nextReport = now + UInt64(interval * 1e9)
            }
            if !sourceFinished && control.abortRequested {
                let since = abortSeenAt ?? now
                abortSeenAt = since
                if Double(now - since) / 1e9 >= Self.sourceAbortGraceSeconds {
                    firstRing.close()
                    leftBehind = true
                }
            }
        }
    }

    private func startThread(_ name: String, _ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        // Linux thread names are at most 15 bytes; they show in top -H and debuggers.
        thread.name = String(name.utf8.prefix(15)) ?? name
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func endReason() -> PipelineResult.EndReason {
        if control.fault != nil { return .failed }
        switch control.stopLevel {
        case .running: return .endOfStream
        case .graceful: return .stopped
        case .abort: return .aborted
        }
    }

    private func progressSnapshot(info: SourceInfo, startedAt: UInt64, source: ThreadCounters,
                                  sink: ThreadCounters) -> PipelineProgress {
        let read = source.framesIn.value
        let written = sink.framesProcessed.value
        let streamTime = written > 0 ? sink.lastTime : 0
        var fraction: Double?
        if let total = info.frameCount, total > 0 {
            fraction = min(1, Double(written + source.framesDropped.value) / Double(total))
        } else if let duration = info.duration, duration > 0 {
            fraction = min(1, max(0, (streamTime - info.durationStartsAt) / duration))
        }
        return PipelineProgress(elapsedSeconds: Double(monotonicNanoseconds() - startedAt) / 1e9,
                                framesRead: read, framesWritten: written,
                                framesDropped: source.framesDropped.value, streamSeconds: streamTime,
                                fraction: fraction)
    }

    private func makeStats(wall: Double, source: SourceWorker, stages: [StageWorker], sink: SinkWorker,
                           sourceStopped: Bool) -> PipelineStats {
        func stats(_ c: ThreadCounters) -> StageStats {
            StageStats(name: c.name, framesIn: c.framesIn.value, framesProcessed: c.framesProcessed.value,
                       busySeconds: Double(c.busyNanoseconds.value) / 1e9)
        }
        let detector = zip(stages, self.stages).first { $0.1.marksDetected }?.0.counters
        var stats = PipelineStats(
            policy: policy, detectEvery: settings.detectEvery, poolFrames: poolFrames, wallSeconds: wall,
            framesRead: source.counters.framesIn.value, framesDropped: source.counters.framesDropped.value,
            framesWritten: sink.counters.framesProcessed.value, framesVoided: source.counters.framesVoided.value + sink.counters.framesVoided.value,
            framesDetected: detector?.framesProcessed.value ?? 0,
            detectionSkippedByInterval: detector?.skippedByInterval.value ?? 0,
            detectionSkippedAsStale: detector?.skippedAsStale.value ?? 0,
            // A source left behind is still in use on its own thread: do not touch it.
            skippedPackets: sourceStopped ? self.source.skippedPackets : 0,
            latencyP50: sink.latency.percentile(0.5), latencyP99: sink.latency.percentile(0.99),
            latencyMax: sink.latency.samples > 0 ? Double(sink.latency.maxMicroseconds) / 1e6 : nil,
            stages: [stats(source.counters)] + stages.map { stats($0.counters) } + [stats(sink.counters)])
        stats.writesFrames = !frameSinks.isEmpty
        return stats
    }
}

/// How a run ended. `error` set means the CLI should exit non-zero.
public struct PipelineResult: @unchecked Sendable {
    public enum EndReason: String, Sendable {
        case endOfStream = "end of stream"
        case stopped = "stopped on request"
        case aborted = "aborted"
        case failed = "failed"
    }

    /// The first error any stage threw (the outputs were still finalised).
    public let error: PipelineError?
    public let stats: PipelineStats
    let endedBy: EndReason
    /// Pool frames not back in the pool after the run; 0 unless the source was left behind.
    let framesNotReturned: Int
    /// True when an abort could not stop the source (blocked in `read`, e.g. a camera that
    /// stopped delivering): the outputs were finalised without it, and its thread is still
    /// blocked: it must not be closed, and the process should exit.
    public let sourceLeftBehind: Bool

    var succeeded: Bool { error == nil }
}
