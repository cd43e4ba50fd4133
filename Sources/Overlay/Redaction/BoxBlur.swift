/// Blur of a small 8-bit picture held in a scratch buffer: `passes` rounds of a (2r + 1) box
/// filter along rows then columns, edges replicated, each mean rounded to nearest (halves up).
/// Three passes approach a Gaussian of standard deviation ~r (central limit), which leaves no
/// feature smaller than about 2r to be read by eye. Same bytes on every machine.
enum BoxBlur {
    static let passes = 3

    /// Blurs `pixels` (row-major, `width` x `height`, packed) in place. `scratch` holds
    /// width x height bytes (the row-filtered picture), `sums` width running column sums.
    static func blur(_ pixels: UnsafeMutablePointer<UInt8>, width: Int, height: Int, radius r: Int,
                     scratch: UnsafeMutablePointer<UInt8>, sums: UnsafeMutablePointer<Int32>) {
        guard width > 0, height > 0, r > 0 else { return }
        let divide = Rounding(taps: 2 * r + 1)
        for _ in 0..<passes {
            // Rows: pixels -> scratch, a running sum along each row.
            for y in 0..<height {
                let source = pixels + y * width, out = scratch + y * width
                let last = width - 1
                var sum: Int32 = 0
                for k in -r...r { sum += Int32(source[min(max(k, 0), last)]) }
                for x in 0..<width {
                    out[x] = divide(sum)
                    sum += Int32(source[min(x + r + 1, last)]) - Int32(source[max(x - r, 0)])
                }
            }
            // Columns: scratch -> pixels, one running sum per column, row by row (cache friendly).
            let last = height - 1
            sums.update(repeating: 0, count: width)
            for k in -r...r {
                let row = scratch + min(max(k, 0), last) * width
                for x in 0..<width { sums[x] += Int32(row[x]) }
            }
            for y in 0..<height {
                let out = pixels + y * width
                for x in 0..<width { out[x] = divide(sums[x]) }
                let add = scratch + min(y + r + 1, last) * width, drop = scratch + max(y - r, 0) * width
                for x in 0..<width { sums[x] += Int32(add[x]) - Int32(drop[x]) }
            }
        }
    }

    /// round(sum / taps), halves up, for sums of up to 255 x taps: a multiply instead of an
    /// integer division (which does not vectorise). Exact: sum / taps is either a whole number,
    /// which the +1e-9 keeps from falling just below, or at least 1 / taps (> 1e-9) away from one.
    struct Rounding {
        let half: Int32
        let reciprocal: Double
        init(taps: Int) { half = Int32(taps / 2); reciprocal = 1 / Double(taps) }
        @inline(__always) func callAsFunction(_ sum: Int32) -> UInt8 {
            UInt8(truncatingIfNeeded: Int32(Double(sum + half) * reciprocal + 1e-9))
        }
    }
}
