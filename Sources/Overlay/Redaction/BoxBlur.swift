/// Blur of a small 8-bit picture held in a scratch buffer: `passes` rounds of a (2r + 1) box
/// filter along rows then columns, edges replicated, each sum rounded to nearest. Three passes
/// approach a Gaussian of standard deviation ~r (central limit), which leaves no feature
/// smaller than about 2r to be read by eye. Integer only, so every build gives the same bytes.
enum BoxBlur {
    static let passes = 3

    /// Blurs `pixels` (row-major, `width` x `height`, packed) in place. `line` must hold
    /// max(width, height) bytes: it keeps the unfiltered row or column being filtered.
    static func blur(_ pixels: UnsafeMutablePointer<UInt8>, width: Int, height: Int, radius: Int,
                     line: UnsafeMutablePointer<UInt8>) {
        guard width > 0, height > 0, radius > 0 else { return }
        for _ in 0..<passes {
            for y in 0..<height {
                let row = pixels + y * width
                line.update(from: row, count: width)
                filter(line, count: width, radius: radius, into: row, stride: 1)
            }
            for x in 0..<width {
                for y in 0..<height { line[y] = pixels[y * width + x] }
                filter(line, count: height, radius: radius, into: pixels + x, stride: width)
            }
        }
    }

    /// out[i] = round(mean of source[clamp(i - r ... i + r)]), by a running sum.
    @inline(__always)
    static func filter(_ source: UnsafeMutablePointer<UInt8>, count n: Int, radius r: Int,
                       into out: UnsafeMutablePointer<UInt8>, stride: Int) {
        let taps = 2 * r + 1
        let last = n - 1
        var sum = 0
        for k in -r...r { sum += Int(source[min(max(k, 0), last)]) }
        for i in 0..<n {
            out[i * stride] = UInt8(truncatingIfNeeded: (sum + taps / 2) / taps)
            sum += Int(source[min(i + r + 1, last)]) - Int(source[max(i - r, 0)])
        }
    }
}
