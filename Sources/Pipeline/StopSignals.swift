import Atomics
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT, SIGTERM, SIGHUP and SIGQUIT into stop requests while it is installed: the
/// first signal asks for a graceful stop, the second for an abort (the pipeline counts them).
/// The default actions (kill the process; SIGQUIT's backtrace) are suspended meanwhile so the
/// outputs are always finalised: a closed terminal or SSH session (SIGHUP) finishes them too.
public final class StopSignals: @unchecked Sendable {
    /// The signals a run finishes its outputs on.
    public static let stopping: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    private let sources: [DispatchSourceSignal]
    private let signals: [Int32]
    private let first = ManagedAtomic<Int32>(0)
    private var previousMask = sigset_t()

    /// Installs handlers that call `onSignal` with the signal number, on a private queue.
    public init(signals: [Int32] = StopSignals.stopping, onSignal: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        // Block them in this thread (and so in the threads it starts, the pipeline's): an ignored
        // signal that reaches a thread not blocking it is discarded, while a blocked one waits for
        // dispatch to read it.
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals { sigaddset(&set, number) }
        pthread_sigmask(SIG_BLOCK, &set, &previousMask)
        let queue = DispatchQueue(label: "facepipe.signals")
        let first = self.first
        sources = signals.map { number in
            // Ignore the default action first: dispatch observes the signal either way.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            // The handler holds the source; cancel() in uninstall() releases the handler, breaking the cycle.
            source.setEventHandler {
                _ = first.compareExchange(expected: 0, desired: number, ordering: .relaxed)
                // Signals that arrive together are coalesced: `data` counts them, and a quick
                // double Ctrl-C must still abort.
                for _ in 0..<max(1, source.data) { onSignal(number) }
            }
            source.resume()
            return source
        }
    }

    /// Installs handlers that stop `pipeline` (graceful, then abort).
    public convenience init(stopping pipeline: Pipeline) {
        self.init { _ in pipeline.requestStop() }
    }

    /// Installs handlers before the pipeline exists (while the outputs are being opened), so no
    /// signal in that window kills the process and strands temporary files; `attach` hands them
    /// the pipeline, which at once gets the stop requests of the signals that came meanwhile.
    public convenience init() {
        let target = StopTarget()
        self.init { _ in target.requestStop() }
        self.target = target
    }

    private var target: StopTarget?

    /// The pipeline the handlers of `init()` stop.
    public func attach(_ pipeline: Pipeline) { target?.attach(pipeline) }

    /// The first signal received, nil when none was.
    public var firstSignal: Int32? {
        let number = first.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }

    /// Restores the default actions.
    public func uninstall() {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
        // Call from the thread that installed it. A signal still pending now takes its default action.
        pthread_sigmask(SIG_SETMASK, &previousMask, nil)
    }

    /// "SIGINT (Ctrl-C)", "SIGTERM"... for messages.
    public static func name(of number: Int32) -> String {
        switch number {
        case SIGINT: return "SIGINT (Ctrl-C)"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP (terminal closed)"
        case SIGQUIT: return "SIGQUIT"
        default: return "signal \(number)"
        }
    }
}

/// The pipeline signals stop, set once it exists; requests that come earlier are kept for it.
private final class StopTarget: @unchecked Sendable {
    private let lock = NSLock()
    private var pipeline: Pipeline?
    private var early = 0

    func requestStop() {
        lock.lock()
        defer { lock.unlock() }
        if let pipeline { pipeline.requestStop() } else { early += 1 }
    }

    func attach(_ pipeline: Pipeline) {
        lock.lock()
        defer { lock.unlock() }
        self.pipeline = pipeline
        for _ in 0..<early { pipeline.requestStop() }
    }
}
