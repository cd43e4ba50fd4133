import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into stop requests while it is installed: the first signal asks
/// for a graceful stop, the second for an abort (the pipeline counts them). The default
/// action (kill the process) is suspended meanwhile so the outputs are always finalised.
public final class StopSignals: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    private let signals: [Int32]

    /// Installs handlers that call `onSignal` with the signal number, on a private queue.
    public init(signals: [Int32] = [SIGINT, SIGTERM], onSignal: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        let queue = DispatchQueue(label: "facepipe.signals")
        sources = signals.map { number in
            // Ignore the default action first: dispatch observes the signal either way.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { onSignal(number) }
            source.resume()
            return source
        }
    }

    /// Installs handlers that stop `pipeline` (graceful, then abort).
    public convenience init(stopping pipeline: Pipeline) {
        self.init { _ in pipeline.requestStop() }
    }

    /// Restores the default actions.
    public func uninstall() {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }
}
