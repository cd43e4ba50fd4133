import Foundation

/// Time and frame counts of one thread of the run.
public struct StageStats: Sendable, Hashable {
    public let name: String
    /// Frames that entered (source: frames read).
    let framesIn: Int
    /// Frames the stage worked on (not void, not skipped; source: 0, see `framesIn`).
    let framesProcessed: Int
    /// Time spent inside the stage's own code (read / process / write, and finish).
    let busySeconds: Double

    /// Frames per second of busy time: the rate this stage could sustain alone.
    var framesPerBusySecond: Double {
        let n = framesProcessed > 0 ? framesProcessed : framesIn
        return busySeconds > 0 ? Double(n) / busySeconds : 0
    }
    var millisecondsPerFrame: Double {
        let n = framesProcessed > 0 ? framesProcessed : framesIn
        return n > 0 ? busySeconds * 1000 / Double(n) : 0
    }
}

/// Everything the run measured, for the end-of-run summary on stderr.
public struct PipelineStats: Sendable, Hashable {
    public let policy: FramePolicy
    public let detectEvery: Int
    let poolFrames: Int
    public let wallSeconds: Double
    /// Frames the source delivered.
    let framesRead: Int
    /// Frames dropped by the live policy (never under `lossless`).
    let framesDropped: Int
    /// Frames written to the sinks (every frame that reached the sink and was not void).
    public let framesWritten: Int
    /// Frames read but not written because of a fault or an abort (void frames).
    /// Always `framesRead == framesWritten + framesDropped + framesVoided`.
    let framesVoided: Int
    /// Frames the detector ran on, and frames it let pass without detecting.
    let framesDetected: Int
    let detectionSkippedByInterval: Int
    let detectionSkippedAsStale: Int
    /// Damaged packets the source skipped.
    public let skippedPackets: Int
    /// Capture-to-write latency (seconds); nil when nothing was written.
    let latencyP50: Double?
    let latencyP99: Double?
    let latencyMax: Double?
    /// Source first, then each stage in chain order, then the sink.
    public let stages: [StageStats]
    /// False when the run had no frame sink (no video output): the sink only returned frames,
    /// so its timing says nothing and is left out of the summary.
    var writesFrames = true

    public var framesPerSecond: Double { wallSeconds > 0 ? Double(framesWritten) / wallSeconds : 0 }

    /// A few lines for stderr.
    public var summary: String {
        var lines: [String] = []
        lines.append(String(format: "pipeline: %@ policy, %d frames in pool, detect every %d",
                            policy.rawValue, poolFrames, detectEvery))
        lines.append(String(format: "frames: %d read, %d written, %d dropped, %d void; %.1f fps over %.2f s",
                            framesRead, framesWritten, framesDropped, framesVoided, framesPerSecond, wallSeconds))
        if framesDropped > 0 { lines.append("  dropped: skipped by the live policy to keep up with the source") }
        if framesVoided > 0 { lines.append("  void: read but not written, because the run was aborted or a stage failed") }
        if framesDetected + detectionSkippedByInterval + detectionSkippedAsStale > 0 {
            lines.append("detection: \(framesDetected) frames detected, \(detectionSkippedByInterval) skipped by detect-every, "
                         + "\(detectionSkippedAsStale) passed over for newer frames")
        }
        if skippedPackets > 0 { lines.append("source: \(skippedPackets) damaged packets skipped") }
        if let p50 = latencyP50, let p99 = latencyP99, let mx = latencyMax {
            lines.append(String(format: "latency capture->write: p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                                p50 * 1000, p99 * 1000, mx * 1000))
        }
        for s in stages where writesFrames || s.name != "sink" {
            let share = wallSeconds > 0 ? 100 * s.busySeconds / wallSeconds : 0
            let name = s.name.count < 10 ? s.name + String(repeating: " ", count: 10 - s.name.count) : s.name
            lines.append("  " + name + String(format: " %6d frames  %8.2f ms/frame  %9.1f fps alone  busy %5.1f%%",
                                              max(s.framesProcessed, s.framesIn), s.millisecondsPerFrame,
                                              s.framesPerBusySecond, share))
        }
        if !writesFrames { lines.append("  sink       no video output: frames only returned to the pool") }
        return lines.joined(separator: "\n")
    }
}
