/// The value distribution of one activation tensor over many pictures, in fixed memory:
/// exact min and max, plus magnitudes of positive and negative values in logarithmic bins
/// (16 per octave, from 2^-24 to 2^16: about 4% wide), so a percentile of either tail costs
/// no per-value storage and needs no range known in advance.
struct ActivationHistogram: Sendable {
    static let binsPerOctave = 16
    static let lowestExponent = -24
    static let octaves = 40
    static let binCount = octaves * binsPerOctave

    private(set) var minimum = Float.infinity
    private(set) var maximum = -Float.infinity
    private(set) var count = 0
    private var positive = [Int](repeating: 0, count: binCount)
    private var negative = [Int](repeating: 0, count: binCount)

    /// The bin of |v| from its float bits: exponent and the top 4 bits of the significand.
    @inline(__always) static func bin(_ magnitude: Float) -> Int {
        let bits = magnitude.bitPattern
        let exponent = Int((bits >> 23) & 0xFF) - 127
        let b = (exponent - lowestExponent) * binsPerOctave + Int((bits >> 19) & 0xF)
        return min(max(b, 0), binCount - 1)
    }

    /// The magnitudes a bin holds: [lower, upper).
    static func edges(_ bin: Int) -> (lower: Double, upper: Double) {
        let exponent = bin / binsPerOctave + lowestExponent
        let step = 1 / Double(binsPerOctave), j = Double(bin % binsPerOctave)
        return (Double(sign: .plus, exponent: exponent, significand: 1 + j * step),
                Double(sign: .plus, exponent: exponent, significand: 1 + (j + 1) * step))
    }

    mutating func add(_ values: UnsafeBufferPointer<Float>) {
        var lo = minimum, hi = maximum
        positive.withUnsafeMutableBufferPointer { pos in
            negative.withUnsafeMutableBufferPointer { neg in
                for v in values {
                    lo = min(lo, v); hi = max(hi, v)
                    if v > 0 { pos[Self.bin(v)] += 1 } else if v < 0 { neg[Self.bin(-v)] += 1 }
                }
            }
        }
        minimum = lo; maximum = hi
        count += values.count
    }

    /// The observed range, or with `percentile` (e.g. 99.99) each tail clipped so that at most
    /// (100 - percentile)% of all values lie beyond it; never wider than the observed range.
    func range(percentile: Double?) -> (low: Double, high: Double) {
        guard count > 0 else { return (0, 0) }
        guard let percentile else { return (Double(minimum), Double(maximum)) }
        let allowed = Double(count) * (100 - percentile) / 100
        // Walks down from the largest magnitudes until more than `allowed` values lie beyond;
        // inside the bin where that happens, values are taken as evenly spread.
        func tail(_ bins: [Int]) -> Double {
            var beyond = 0
            for b in stride(from: Self.binCount - 1, through: 0, by: -1) where bins[b] > 0 {
                if Double(beyond + bins[b]) > allowed {
                    let e = Self.edges(b)
                    let kept = 1 - (allowed - Double(beyond)) / Double(bins[b])
                    return e.lower + (e.upper - e.lower) * kept
                }
                beyond += bins[b]
            }
            return 0
        }
        return (max(-tail(negative), Double(minimum)), min(tail(positive), Double(maximum)))
    }
}
