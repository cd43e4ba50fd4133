/// A 5x7 pixel font for box labels, drawn by hand here so the overlay needs no font
/// files: digits and the few signs labels use ('#', '.', ':', '-', ' ').
/// Each glyph is 7 rows, top first; bit 4 of a row is the leftmost pixel.
enum BitmapFont {
    static let glyphWidth = 5
    static let glyphHeight = 7
    /// Horizontal distance between glyph origins, in font pixels (one blank column).
    static let advance = 6

    private static let digits: [[UInt8]] = [
        [0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110], // 0
        [0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110], // 1
        [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111], // 2
        [0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110], // 3
        [0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010], // 4
        [0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110], // 5
        [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110], // 6
        [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000], // 7
        [0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110], // 8
        [0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100], // 9
    ]
    private static let hash: [UInt8] = [0b01010, 0b01010, 0b11111, 0b01010, 0b11111, 0b01010, 0b01010]
    private static let dot: [UInt8] = [0, 0, 0, 0, 0, 0b01100, 0b01100]
    private static let colon: [UInt8] = [0, 0b01100, 0b01100, 0, 0b01100, 0b01100, 0]
    private static let minus: [UInt8] = [0, 0, 0, 0b11111, 0, 0, 0]
    private static let unknown: [UInt8] = [0b11111, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b11111]
    private static let blank: [UInt8] = [0, 0, 0, 0, 0, 0, 0]

    /// Rows of the glyph for an ASCII code; a hollow box for characters the font lacks.
    static func rows(for ascii: UInt8) -> [UInt8] {
        switch ascii {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digits[Int(ascii - UInt8(ascii: "0"))]
        case UInt8(ascii: "#"): return hash
        case UInt8(ascii: "."): return dot
        case UInt8(ascii: ":"): return colon
        case UInt8(ascii: "-"): return minus
        case UInt8(ascii: " "): return blank
        default: return unknown
        }
    }

    /// Whether font pixel (col, row) of the glyph is set.
    @inline(__always) static func isSet(_ rows: [UInt8], col: Int, row: Int) -> Bool {
        rows[row] & (UInt8(0b10000) >> UInt8(col)) != 0
    }
}
