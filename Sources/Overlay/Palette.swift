/// Track colours: a fixed palette indexed by track ID, so a face keeps its colour for
/// its whole life and neighbouring IDs differ. Converted to YUV once.
struct YUVColor: Equatable {
    var y: UInt8
    var u: UInt8
    var v: UInt8

    /// BT.601 limited range (what FFmpeg decoders and libx264 use for SD/HD by default here).
    init(r: Int, g: Int, b: Int) {
        let rf = Double(r), gf = Double(g), bf = Double(b)
        y = Self.clamp(16 + 0.257 * rf + 0.504 * gf + 0.098 * bf)
        u = Self.clamp(128 - 0.148 * rf - 0.291 * gf + 0.439 * bf)
        v = Self.clamp(128 + 0.439 * rf - 0.368 * gf - 0.071 * bf)
    }

    init(y: UInt8, u: UInt8, v: UInt8) { self.y = y; self.u = u; self.v = v }

    private static func clamp(_ x: Double) -> UInt8 { UInt8(max(0, min(255, x.rounded()))) }
}

enum Palette {
    /// Saturated, mutually distinct hues, in an order that keeps consecutive IDs apart.
    static let rgb: [(Int, Int, Int)] = [
        (230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48), (145, 30, 180),
        (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212), (0, 128, 128), (170, 110, 40),
    ]
    static let colors: [YUVColor] = rgb.map { YUVColor(r: $0.0, g: $0.1, b: $0.2) }
    /// Label text: black on light colours, white on dark ones (luma only, so the label keeps its hue).
    static let textLuma: [UInt8] = colors.map { $0.y > 128 ? 16 : 235 }

    static func index(forID id: Int) -> Int { ((id % rgb.count) + rgb.count) % rgb.count }
}
