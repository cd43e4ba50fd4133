import CFFmpeg

/// Turns decoder timestamps into the strictly increasing pts a pipeline can rely on:
/// the decoder's best-effort timestamp when it has one, otherwise the previous pts plus the
/// frame's duration (or the nominal frame period), never going backwards or repeating.
struct FrameClock {
    /// Nominal frame period in time-base ticks (>= 1), used when a frame has no duration.
    let period: Int64
    private var last: Int64?

    init(period: Int64) { self.period = max(1, period) }

    mutating func next(bestEffort: Int64, duration: Int64) -> Int64 {
        var pts: Int64
        if bestEffort != fp_av_nopts_value() {
            pts = bestEffort
        } else if let last {
            pts = last + (duration > 0 ? duration : period)
        } else {
            pts = 0
        }
        if let last, pts <= last { pts = last + 1 }
        last = pts
        return pts
    }
}
