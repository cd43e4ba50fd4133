import Engine
import FacepipeCore

/// Applies the model's input rule (model YAML `input`): channel order, mean/std, padding.
public struct InputNormalizer: Sendable, Hashable {
    public enum Channels: String, Sendable, Hashable { case rgb, bgr }
    public var channels: Channels
    public var mean: (Float, Float, Float)
    public var std: (Float, Float, Float)
    public var maxShortSide: Int
    public var maxLongSide: Int
    public var padMultiple: Int

    public init(channels: Channels, mean: (Float, Float, Float), std: (Float, Float, Float),
                maxShortSide: Int, maxLongSide: Int, padMultiple: Int) {
        self.channels = channels; self.mean = mean; self.std = std
        self.maxShortSide = maxShortSide; self.maxLongSide = maxLongSide; self.padMultiple = padMultiple
    }

    public static func == (a: InputNormalizer, b: InputNormalizer) -> Bool {
        a.channels == b.channels && a.mean == b.mean && a.std == b.std && a.maxShortSide == b.maxShortSide
            && a.maxLongSide == b.maxLongSide && a.padMultiple == b.padMultiple
    }
    public func hash(into h: inout Hasher) {
        h.combine(channels); h.combine(maxShortSide); h.combine(maxLongSide); h.combine(padMultiple)
    }

    /// Network input size for a resized picture: rounded up to the padding multiple.
    public func paddedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        let m = max(1, padMultiple)
        return ((width + m - 1) / m * m, (height + m - 1) / m * m)
    }

    /// Writes `image` normalised into a planar [3, paddedHeight, paddedWidth] float tensor;
    /// the padding holds 0 (the mean after normalisation).
    public func normalize(_ image: RGBImage, into tensor: UnsafeMutablePointer<Float>,
                          paddedWidth: Int, paddedHeight: Int) {
        precondition(image.width <= paddedWidth && image.height <= paddedHeight, "tensor smaller than the image")
        let plane = paddedWidth * paddedHeight
        tensor.initialize(repeating: 0, count: 3 * plane)
        let src: (Int, Int, Int) = channels == .rgb ? (0, 1, 2) : (2, 1, 0)
        let inv = (1 / std.0, 1 / std.1, 1 / std.2)
        for y in 0..<image.height {
            let row = image.pixels + y * image.stride
            let o0 = tensor + y * paddedWidth, o1 = o0 + plane, o2 = o1 + plane
            for x in 0..<image.width {
                let p = row + 3 * x
                o0[x] = (Float(p[src.0]) - mean.0) * inv.0
                o1[x] = (Float(p[src.1]) - mean.1) * inv.1
                o2[x] = (Float(p[src.2]) - mean.2) * inv.2
            }
        }
    }
}

extension InputNormalizer {
    /// The normaliser for a model's input rule (model YAML `input`).
    public init(rule: InputRule) {
        func triple(_ v: [Float]) -> (Float, Float, Float) { (v[0], v[1], v[2]) }
        self.init(channels: rule.channels == .rgb ? .rgb : .bgr, mean: triple(rule.mean), std: triple(rule.std),
                  maxShortSide: rule.maxShortSide, maxLongSide: rule.maxLongSide, padMultiple: rule.padMultiple)
    }
}
