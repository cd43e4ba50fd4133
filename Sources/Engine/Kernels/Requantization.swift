import CKernels

/// Why a quantisation parameter cannot be represented by the fixed-point kernels.
enum RequantizationError: Error, CustomStringConvertible, Equatable {
    case invalidScale(what: String, value: Double)
    case scaleOutOfRange(what: String, value: Double, allowed: String)

    var description: String {
        switch self {
        case .invalidScale(let what, let value):
            return "\(what) scale \(value) is not a finite positive number"
        case .scaleOutOfRange(let what, let value, let allowed):
            return "\(what) real multiplier \(value) is outside the fixed-point range \(allowed)"
        }
    }
}

/// The clamp that ends every requantisation, in the uint8 domain. ReLU is folded in by
/// starting the range at the output zero point (the quantised 0.0).
struct OutputClamp: Equatable, Sendable {
    var zeroPoint: Int32
    var min: Int32
    var max: Int32

    init(zeroPoint: Int32, relu: Bool) {
        self.zeroPoint = zeroPoint
        self.min = relu ? zeroPoint : 0
        self.max = 255
    }
}

/// Conv requantisation: per-channel real multipliers (input scale * weight scale[c] /
/// output scale) as int32 multipliers sharing one right shift (see CKernels.h for the exact
/// formula). The shift is set by the largest multiplier so it keeps 31 bits; smaller
/// channels keep proportionally fewer, which is far more than uint8 outputs need.
struct ConvRequantization: Sendable {
    var multipliers: [Int32]
    var params: fp_qu8_requant

    /// `realMultipliers` must lie in (0, 0.5); 0 is allowed for unused channels.
    init(realMultipliers: [Double], clamp: OutputClamp) throws {
        var largest = 0.0
        for value in realMultipliers {
            guard value.isFinite, value >= 0 else { throw RequantizationError.invalidScale(what: "conv requantisation", value: value) }
            largest = Swift.max(largest, value)
        }
        guard largest > 0 else { throw RequantizationError.invalidScale(what: "conv requantisation", value: largest) }
        // largest = f * 2^e with f in [1, 2): shift 30 - e puts its multiplier in [2^30, 2^31).
        var shift = 30 - largest.exponent
        if (largest * Double(sign: .plus, exponent: shift, significand: 1)).rounded() >= 0x1p31 { shift -= 1 }
        // Below 2^-32 the multiplier just loses bits; at or above ~0.5 the format cannot hold it.
        shift = Swift.min(shift, 62)
        guard shift >= 32 else {
            throw RequantizationError.scaleOutOfRange(what: "conv", value: largest, allowed: "(0, 0.5)")
        }
        let factor = Double(sign: .plus, exponent: shift, significand: 1)
        multipliers = realMultipliers.map { Int32(($0 * factor).rounded()) }
        params = fp_qu8_requant(shift: Int32(shift), output_zero_point: clamp.zeroPoint,
                                output_min: clamp.min, output_max: clamp.max)
    }
}

/// One input's affine rescale to the output grid, all in int32 (add and concat):
///   acc = (x - inputZeroPoint) * multiplier      |multiplier| < 2^21, so |acc| < 2^29
///   r   = (acc + 2^(shift-1) - (acc < 0)) >> shift   ties away from zero, 1 <= shift <= 31
/// The int32-only form vectorises on every ISA without 64-bit lanes.
struct InputRescale: Equatable, Sendable {
    var inputZeroPoint: Int32
    var multiplier: Int32

    static let multiplierBits = 21
}

extension InputRescale {
    /// Picks one shift for several inputs (add: two, concat: each input alone) so the largest
    /// real ratio gets a multiplier in [2^20, 2^21).
    static func make(inputs: [(scale: Double, zeroPoint: Int32)], outputScale: Double,
                     what: String) throws -> (rescales: [InputRescale], shift: Int32) {
        guard outputScale.isFinite, outputScale > 0 else {
            throw RequantizationError.invalidScale(what: "\(what) output", value: outputScale)
        }
        var largest = 0.0
        for input in inputs {
            guard input.scale.isFinite, input.scale > 0 else {
                throw RequantizationError.invalidScale(what: "\(what) input", value: input.scale)
            }
            largest = max(largest, input.scale / outputScale)
        }
        var shift = multiplierBits - 1 - largest.exponent
        if (largest * Double(sign: .plus, exponent: shift, significand: 1)).rounded() >= Double(1 << multiplierBits) { shift -= 1 }
        shift = min(shift, 31)
        guard shift >= 1 else {
            throw RequantizationError.scaleOutOfRange(what: what, value: largest, allowed: "(0, 2^20)")
        }
        let factor = Double(sign: .plus, exponent: shift, significand: 1)
        let rescales = inputs.map {
            InputRescale(inputZeroPoint: $0.zeroPoint, multiplier: Int32(($0.scale / outputScale * factor).rounded()))
        }
        return (rescales, Int32(shift))
    }
}

/// The scalar arithmetic every kernel reproduces bit for bit.
enum FixedPoint {
    /// Conv requantisation (twin of fp_qu8_requant_scalar, see CKernels.h).
    @inline(__always)
    static func requantize(_ acc: Int32, multiplier: Int32, _ p: fp_qu8_requant) -> UInt8 {
        let product = Int64(acc) &* Int64(multiplier)
        let rounding = (Int64(1) &<< Int64(p.shift &- 1)) &- (product < 0 ? 1 : 0)
        let r = (product &+ rounding) &>> Int64(p.shift)
        let low = Int64(p.output_min &- p.output_zero_point), high = Int64(p.output_max &- p.output_zero_point)
        return UInt8(truncatingIfNeeded: min(max(r, low), high) &+ Int64(p.output_zero_point))
    }

    /// Rounded right shift of an int32 rescale accumulator, ties away from zero.
    @inline(__always)
    static func roundingShift(_ acc: Int32, _ shift: Int32) -> Int32 {
        (acc &+ (Int32(1) &<< (shift &- 1)) &- (acc < 0 ? 1 : 0)) &>> shift
    }
}
