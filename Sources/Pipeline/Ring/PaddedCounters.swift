import Atomics

/// A few atomic `Int`s, each alone on its own 128-byte block, so that an index written by
/// the producer and one written by the consumer never share a cache line (128 covers the
/// adjacent-line prefetcher on x86 and the 128-byte lines of some ARM cores).
final class PaddedCounters: @unchecked Sendable {
    static let lineBytes = 128
    private let base: UnsafeMutableRawPointer
    private let count: Int

    init(count: Int, initialValue: Int = 0) {
        self.count = count
        base = UnsafeMutableRawPointer.allocate(byteCount: count * Self.lineBytes, alignment: Self.lineBytes)
        for i in 0..<count {
            (base + i * Self.lineBytes).bindMemory(to: Int.AtomicRepresentation.self, capacity: 1)
                .initialize(to: Int.AtomicRepresentation(initialValue))
        }
    }

    deinit { base.deallocate() }

    /// The atomic at `slot`; valid as long as this object lives.
    @inline(__always) func atomic(_ slot: Int) -> UnsafeAtomic<Int> {
        precondition(slot >= 0 && slot < count)
        return UnsafeAtomic(at: (base + slot * Self.lineBytes).assumingMemoryBound(to: Int.AtomicRepresentation.self))
    }
}
