/// How one activation tensor is stored as uint8: real = (q - zeroPoint) * scale.
public struct ActivationQuantization: Sendable, Equatable, CustomStringConvertible {
    public var scale: Double
    var zeroPoint: Int32

    public init(scale: Double, zeroPoint: Int32) {
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// The grid covering `low ... high` (widened to include 0, so the zero padding of a conv and
    /// ReLU's 0 are exact): 255 steps over the range, zero point on the grid.
    public init(low: Double, high: Double) {
        let lo = min(low, 0), hi = max(high, 0)
        let span = hi - lo
        // A tensor that is 0 everywhere still needs a valid grid.
        let scale = span > 0 && span.isFinite ? span / 255 : 1.0 / 255
        self.scale = scale
        zeroPoint = Int32(min(max((-lo / scale).rounded(), 0), 255))
    }

    /// Smallest and largest real values the grid holds.
    public var range: ClosedRange<Double> { Double(0 - zeroPoint) * scale ... Double(255 - zeroPoint) * scale }

    public func real(_ q: UInt8) -> Float { Float(Double(Int32(q) - zeroPoint) * scale) }

    public var description: String { "scale \(scale) zero point \(zeroPoint)" }

    var isValid: Bool { scale.isFinite && scale > 0 && (0...255).contains(zeroPoint) }
}
