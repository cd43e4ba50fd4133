import CFFmpeg
import FacepipeCore

/// A deadline FFmpeg polls (through its interrupt callback) while it blocks on the network:
/// once past, the blocking call returns AVERROR_EXIT, so a dead stream fails instead of hanging.
/// Armed before each blocking call and read back on the same thread.
final class IODeadline {
    /// Monotonic nanoseconds; 0 = no deadline. Heap-allocated so FFmpeg can hold a stable pointer.
    private let limit: UnsafeMutablePointer<UInt64>

    init() {
        limit = .allocate(capacity: 1)
        limit.initialize(to: 0)
    }

    deinit { limit.deallocate() }

    var callback: AVIOInterruptCB {
        AVIOInterruptCB(callback: ioDeadlinePassed, opaque: UnsafeMutableRawPointer(limit))
    }

    func arm(seconds: Double) {
        limit.pointee = monotonicNanoseconds() + UInt64(max(0, seconds) * 1e9)
    }

    func disarm() { limit.pointee = 0 }

    var hasPassed: Bool { ioDeadlinePassed(UnsafeMutableRawPointer(limit)) != 0 }
}

private func ioDeadlinePassed(_ opaque: UnsafeMutableRawPointer?) -> Int32 {
    guard let limit = opaque?.assumingMemoryBound(to: UInt64.self).pointee, limit != 0 else { return 0 }
    return monotonicNanoseconds() > limit ? 1 : 0
}
