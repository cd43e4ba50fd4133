import Atomics

/// A statistic written by one thread and read by the progress reporter: relaxed atomic
/// loads and stores are enough (no read-modify-write needed with a single writer).
struct Counter: @unchecked Sendable {
    private let storage = ManagedAtomic<Int>(0)

    var value: Int { storage.load(ordering: .relaxed) }

    @inline(__always) func add(_ amount: Int = 1) {
        storage.store(storage.load(ordering: .relaxed) &+ amount, ordering: .relaxed)
    }

    @inline(__always) func set(_ newValue: Int) { storage.store(newValue, ordering: .relaxed) }
}

/// What one thread counts about its frames. Each field has a single writer: the thread.
final class ThreadCounters: @unchecked Sendable {
    let name: String
    /// Frames that entered the thread (or, for the source, frames read).
    let framesIn = Counter()
    /// Frames the stage actually worked on (not void, not skipped).
    let framesProcessed = Counter()
    let busyNanoseconds = Counter()
    /// Source: frames dropped by the live policy.
    let framesDropped = Counter()
    /// Frames given up because of a fault or an abort: void frames at the sink, and a frame
    /// the source had read but could not queue when the run was aborted.
    let framesVoided = Counter()
    /// Detect stage: frames passed without detection by `detectEvery` / as stale (live).
    let skippedByInterval = Counter()
    let skippedAsStale = Counter()
    /// Stream time (seconds, as bit pattern) of the last frame the thread handled, for progress.
    let lastTimeBits = Counter()

    init(name: String) { self.name = name }

    var lastTime: Double { Double(bitPattern: UInt64(bitPattern: Int64(lastTimeBits.value))) }
    func setLastTime(_ seconds: Double) { lastTimeBits.set(Int(Int64(bitPattern: seconds.bitPattern))) }
}
