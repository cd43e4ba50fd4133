/// A fixed byte buffer that JSON lines are formatted into, allocated once. Appends never grow
/// it: callers make room (by writing the buffer out) before a line of at most `maxLineBytes`.
struct LineBuffer: ~Copyable {
    /// Longest line the event formatter can produce (numbers are bounded to 21 characters).
    static let maxLineBytes = 1024

    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 2 * Self.maxLineBytes)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var hasRoomForLine: Bool { capacity - count >= Self.maxLineBytes }

    mutating func clear() { count = 0 }

    @inline(__always) mutating func append(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes in
            (base + count).update(from: bytes.baseAddress!, count: bytes.count)
            count += bytes.count
        }
    }

    mutating func append(_ value: Bool) { value ? append("true") : append("false") }

    mutating func append(_ value: Int) { append(Int64(value)) }

    mutating func append(_ value: Int64) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDigits(value.magnitude, minimumDigits: 1)
        } else {
            appendDigits(UInt64(value), minimumDigits: 1)
        }
    }

    /// `value` rounded to `places` decimals (half away from zero), without trailing zeros:
    /// 3.50 -> "3.5", 2.0 -> "2". Non-finite values, and values too large for the fixed-point
    /// form (|value| * 10^places >= 9e18), become `null` so the line stays valid JSON.
    mutating func append(_ value: Double, places: Int) {
        let scale = Self.powersOfTen[places]
        let scaled = (value * Double(scale)).rounded()
        guard scaled.isFinite, scaled.magnitude < 9e18 else { append("null"); return }
        let fixed = Int64(scaled)
        if fixed == 0 { append(UInt8(ascii: "0")); return }  // also avoids "-0"
        if fixed < 0 { append(UInt8(ascii: "-")) }
        let magnitude = fixed.magnitude
        appendDigits(magnitude / UInt64(scale), minimumDigits: 1)
        var fraction = magnitude % UInt64(scale)
        guard fraction != 0 else { return }
        var digits = places
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        append(UInt8(ascii: "."))
        appendDigits(fraction, minimumDigits: digits)
    }

    /// Decimal digits of `value`, left-padded with zeros to `minimumDigits`.
    private mutating func appendDigits(_ value: UInt64, minimumDigits: Int) {
        var length = 1, rest = value / 10
        while rest > 0 { length += 1; rest /= 10 }
        length = max(length, minimumDigits)
        var remaining = value
        for i in stride(from: length - 1, through: 0, by: -1) {
            base[count + i] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
        count += length
    }

    private static let powersOfTen: [Int64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]
}
