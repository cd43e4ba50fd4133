import Atomics
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lets one thread wait for a condition another thread makes true, without a lock on the
/// fast path: the waiter spins briefly, then announces itself in an atomic flag and sleeps
/// on a semaphore (a futex on Linux); the other side pays one fence and one load per call
/// and touches the semaphore only when someone is actually asleep.
///
/// Exactly one thread may wait on a given parker at a time (rings have one producer and one consumer).
final class Parker: @unchecked Sendable {
    private let waiting = ManagedAtomic<Bool>(false)
    private let semaphore = DispatchSemaphore(value: 0)
    /// Checks of the condition before sleeping; short, because frames arrive milliseconds apart
    /// and the machine may have fewer cores than threads.
    private static let spins = 64
    /// Upper bound on one sleep, so callers' give-up conditions are re-checked even if nobody wakes them.
    private static let sliceNanoseconds = 20_000_000

    /// Returns when `ready()` or `giveUp()` is true. `ready` must read the shared state with at
    /// least acquiring loads.
    func wait(until ready: () -> Bool, giveUp: () -> Bool) {
        var attempt = 0
        while true {
            if ready() || giveUp() { return }
            attempt += 1
            if attempt < Self.spins {
                if attempt > Self.spins / 2 { sched_yield() }
                continue
            }
            waiting.store(true, ordering: .sequentiallyConsistent)
            // Pairs with the fence in `wake`: either we see the other side's update here,
            // or it sees our flag and signals.
            atomicMemoryFence(ordering: .sequentiallyConsistent)
            if ready() || giveUp() {
                settleAfterWake()
                return
            }
            // A signal received means the waker already cleared the flag; a timeout means it may not have.
            if semaphore.wait(timeout: .now() + .nanoseconds(Self.sliceNanoseconds)) == .timedOut {
                settleAfterWake()
            }
        }
    }

    /// Called after the other side changed the state the waiter looks at.
    @inline(__always) func wake() {
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        if waiting.load(ordering: .relaxed),
           waiting.compareExchange(expected: true, desired: false, ordering: .acquiringAndReleasing).exchanged {
            semaphore.signal()
        }
    }

    /// Clears our flag; if a waker already claimed it, its signal is (or will be) posted, and
    /// we consume it so the semaphore stays balanced for the next sleep.
    private func settleAfterWake() {
        if !waiting.compareExchange(expected: true, desired: false, ordering: .acquiringAndReleasing).exchanged {
            semaphore.wait()
        }
    }
}
