import FacepipeCore

/// How faces are hidden: what is done to the pixels, over what shape, how far past the box.
/// Sizes are fractions of the face (the larger side of its box), so near and far faces are
/// hidden alike.
public struct RedactionStyle: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Three box-blur passes (close to a Gaussian of sigma = radius), luma and chroma.
        case blur
        /// Each block replaced by its mean.
        case pixelate
        /// One flat colour.
        case solid
    }

    public enum Shape: String, Sendable, CaseIterable {
        /// The ellipse inscribed in the grown box (looks like a head, hides less background).
        case ellipse
        /// The grown box itself.
        case rectangle
    }

    public var mode: Mode
    public var shape: Shape
    /// Added on every side, as a fraction of the box's width (left, right) and height (top, bottom).
    public var margin: Float
    /// Blur radius as a fraction of the face size.
    public var blurRadius: Float
    /// Pixelation block side as a fraction of the face size.
    public var blockSize: Float
    /// Fill of `solid`, 8-bit RGB.
    public var color: RGBColor

    public init(mode: Mode = .blur, shape: Shape = .ellipse, margin: Float = RedactionStyle.standard.margin,
                blurRadius: Float = RedactionStyle.standard.blurRadius,
                blockSize: Float = RedactionStyle.standard.blockSize, color: RGBColor = RedactionStyle.standard.color) {
        self.mode = mode; self.shape = shape; self.margin = margin
        self.blurRadius = blurRadius; self.blockSize = blockSize; self.color = color
    }

    private init(_ mode: Mode, _ shape: Shape, _ margin: Float, _ blurRadius: Float, _ blockSize: Float, _ color: RGBColor) {
        self.mode = mode; self.shape = shape; self.margin = margin
        self.blurRadius = blurRadius; self.blockSize = blockSize; self.color = color
    }

    /// The values shipped in Configs/redaction.yaml (a test keeps the two equal).
    public static let standard = RedactionStyle(.blur, .ellipse, 0.4, 0.2, 0.2, RGBColor(r: 0, g: 0, b: 0))

    /// The luma blur radius, pixelation block or nothing for a face of `size` pixels: at least 1.
    func pixels(_ fraction: Float, faceSize: Float) -> Int {
        let value = (fraction * faceSize).rounded()
        return value.isFinite ? max(1, Int(min(value, 100_000))) : 1
    }
}

/// An 8-bit sRGB colour, as written in settings ("#RRGGBB").
public struct RGBColor: Sendable, Equatable, CustomStringConvertible {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(r: UInt8, g: UInt8, b: UInt8) { self.r = r; self.g = g; self.b = b }

    /// "#RRGGBB" or "RRGGBB" (hex, any case); nil otherwise.
    public init?(hex text: String) {
        let digits = text.hasPrefix("#") ? String(text.dropFirst()) : text
        guard digits.count == 6, let value = UInt32(digits, radix: 16) else { return nil }
        r = UInt8(value >> 16 & 0xFF); g = UInt8(value >> 8 & 0xFF); b = UInt8(value & 0xFF)
    }

    public var description: String {
        let hex = (UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b))
        let text = String(hex, radix: 16, uppercase: true)
        return "#" + String(repeating: "0", count: 6 - text.count) + text
    }

    var yuv: YUVColor { YUVColor(r: Int(r), g: Int(g), b: Int(b)) }
}
