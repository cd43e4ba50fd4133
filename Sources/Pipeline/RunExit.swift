/// The process exit status a run ends with, and the words for it (README, "Exit status").
///
/// | status | meaning |
/// | --- | --- |
/// | 0 | the input was read to its end; every output finalised |
/// | 1 | an error (a stage, an output, the source), or an abort that left the source stuck |
/// | 2 | a live input (stream, camera) ended: its sender closed the connection |
/// | 128 + N | stopped by signal N: 129 SIGHUP, 130 SIGINT (Ctrl-C), 131 SIGQUIT, 143 SIGTERM |
///
/// A script can thus tell a complete run (0) from a partial one (anything else); outputs are
/// finalised in every case.
public struct RunExit: Sendable, Hashable {
    public static let completed: Int32 = 0
    public static let failed: Int32 = 1
    static let liveInputEnded: Int32 = 2

    public let status: Int32
    /// One line for stderr saying how the run ended.
    public let reason: String

    public init(status: Int32, reason: String) {
        self.status = status
        self.reason = reason
    }

    /// - Parameters:
    ///   - signal: the first stop signal received during the run, if any.
    ///   - liveInput: the input is a live stream or camera, whose end is not a complete run.
    public static func of(_ result: PipelineResult, signal: Int32?, liveInput: Bool) -> RunExit {
        if let signal {
            let how = result.endedBy == .aborted ? "aborted (second signal: frames in flight discarded)" : "stopped"
            let stuck = result.sourceLeftBehind ? "; the input did not stop" : ""
            return RunExit(status: 128 + signal, reason: "\(how) by \(StopSignals.name(of: signal))\(stuck)")
        }
        if result.error != nil { return RunExit(status: failed, reason: "failed") }
        if result.sourceLeftBehind { return RunExit(status: failed, reason: "aborted; the input did not stop") }
        switch result.endedBy {
        case .endOfStream:
            return liveInput
                ? RunExit(status: liveInputEnded, reason: "the live input ended (its sender stopped or went away)")
                : RunExit(status: completed, reason: "complete: the input was read to its end")
        case .stopped, .aborted, .failed:
            return RunExit(status: failed, reason: result.endedBy.rawValue)
        }
    }
}
