import FacepipeCore

/// Runs a network's layers in order and, when asked, records each one's wall time for the
/// benchmark's per-layer table. Shared by the fp32 and int8 networks; the buffer is
/// allocated once, so timing a run allocates nothing.
final class LayerTimes {
    let count: Int
    var enabled = false
    private let nanoseconds: UnsafeMutablePointer<UInt64>

    init(count: Int) {
        self.count = count
        nanoseconds = .allocate(capacity: max(1, count))
        nanoseconds.initialize(repeating: 0, count: max(1, count))
    }

    deinit { nanoseconds.deallocate() }

    /// Each layer's time in the last timed run.
    var values: [UInt64] { Array(UnsafeBufferPointer(start: nanoseconds, count: count)) }

    /// Calls `layer(i)` for i in 0..<count, timing each call when enabled.
    @inline(__always) func run(_ layer: (Int) -> Void) {
        guard enabled else {
            for i in 0..<count { layer(i) }
            return
        }
        for i in 0..<count {
            let start = monotonicNanoseconds()
            layer(i)
            nanoseconds[i] = monotonicNanoseconds() - start
        }
    }
}
