import Foundation

/// Hands a value from a background thread to the test.
final class Handoff<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var value: Result<Value, Error>?

    func put(_ result: Result<Value, Error>) {
        lock.lock(); value = result; lock.unlock()
        done.signal()
    }

    /// The value, or nil if none came within `seconds`.
    func take(within seconds: Double) -> Result<Value, Error>? {
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        lock.lock(); defer { lock.unlock() }
        return value
    }
}
