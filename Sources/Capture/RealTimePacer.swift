import FacepipeCore
#if canImport(Glibc)
import Glibc
#endif

/// Holds each frame back until as much wall-clock time has passed since the first frame as
/// stream time has (ffmpeg's `-re`), so a file arrives the way a camera's frames do. Frames
/// already late are not held; a frame stamped before the first one is not held either.
struct RealTimePacer {
    private var origin: (wall: UInt64, stream: Double)?

    /// Returns once the frame at `streamSeconds` is due; the first frame sets the origin.
    mutating func wait(until streamSeconds: Double) {
        let now = monotonicNanoseconds()
        guard let origin else {
            origin = (now, streamSeconds)
            return
        }
        let due = Double(origin.wall) + (streamSeconds - origin.stream) * 1e9
        let ahead = due - Double(now)
        guard ahead > 0 else { return }
        var pause = timespec(tv_sec: Int(ahead / 1e9), tv_nsec: Int(ahead.truncatingRemainder(dividingBy: 1e9)))
        var left = timespec()
        // A signal (Ctrl-C) interrupts the sleep; sleep out the rest: the run checks for a stop between frames.
        while nanosleep(&pause, &left) != 0 && errno == EINTR { pause = left }
    }
}
