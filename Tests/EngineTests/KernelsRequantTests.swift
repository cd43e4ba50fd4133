import CKernels
import Testing
@testable import Engine

/// The fixed-point requantisation: its definition (nearest, ties away from zero), its C twin,
/// the parameter choice from real scales, and the standalone requant kernel.
@Suite struct KernelsRequantTests {
    /// An independent statement of the rounding: truncating division plus a half-way test.
    static func exactRound(_ acc: Int32, _ multiplier: Int32, shift: Int32) -> Int64 {
        let p = Int64(acc) * Int64(multiplier), d = Int64(1) << shift
        var q = p / d
        let remainder = p % d
        if remainder.magnitude * 2 >= d.magnitude { q += p < 0 ? -1 : 1 }
        return q
    }

    @Test func roundsToNearestWithTiesAwayFromZero() {
        let params = fp_qu8_requant(shift: 33, output_zero_point: 128, output_min: 0, output_max: 255)
        // multiplier 2^31 / 4 with shift 33: real scale 1/16; 8/16, 24/16, -8/16, -24/16 are ties.
        let m: Int32 = 1 << 29
        #expect(FixedPoint.requantize(8, multiplier: m, params) == 129)
        #expect(FixedPoint.requantize(24, multiplier: m, params) == 130)
        #expect(FixedPoint.requantize(-8, multiplier: m, params) == 127)
        #expect(FixedPoint.requantize(-24, multiplier: m, params) == 126)
        #expect(FixedPoint.requantize(7, multiplier: m, params) == 128)
        #expect(FixedPoint.requantize(-7, multiplier: m, params) == 128)
        #expect(FixedPoint.requantize(Int32.max, multiplier: Int32.max, params) == 255)
        #expect(FixedPoint.requantize(Int32.min, multiplier: Int32.max, params) == 0)
    }

    @Test func swiftAndCAgreeWithExactRounding() {
        var rng = KernelTestRandom(seed: 42)
        for _ in 0..<20_000 {
            let shift = Int32.random(in: 32...62, using: &rng)
            let acc = Int32.random(in: Int32.min...Int32.max, using: &rng) >> Int32.random(in: 0...24, using: &rng)
            let multiplier = Int32.random(in: 0...Int32.max, using: &rng)
            let zp = Int32.random(in: 0...255, using: &rng)
            var params = fp_qu8_requant(shift: shift, output_zero_point: zp, output_min: 0, output_max: 255)
            if Bool.random(using: &rng) { params.output_min = zp }
            let expected = UInt8(min(max(Self.exactRound(acc, multiplier, shift: shift) + Int64(zp), Int64(params.output_min)), 255))
            let swift = FixedPoint.requantize(acc, multiplier: multiplier, params)
            let c = withUnsafePointer(to: params) { fp_qu8_requant_scalar(acc, multiplier, $0) }
            #expect(swift == expected && c == expected, "acc \(acc) m \(multiplier) shift \(shift): \(swift) \(c) vs \(expected)")
            if swift != expected || c != expected { break }
        }
    }

    @Test func convParametersKeepPrecisionAndShareOneShift() throws {
        let scales = [0.3, 0.0123, 1e-5, 0]
        let r = try ConvRequantization(realMultipliers: scales, clamp: OutputClamp(zeroPoint: 3, relu: true))
        #expect(r.multipliers[0] >= 1 << 30)
        #expect(r.params.shift >= 32 && r.params.shift <= 62)
        // Each multiplier is its scale rounded to the shared grid of 2^-shift.
        let step = Double(sign: .plus, exponent: -Int(r.params.shift), significand: 1)
        for (scale, m) in zip(scales, r.multipliers) {
            #expect(abs(Double(m) * step - scale) <= step / 2)
        }
        #expect(abs(Double(r.multipliers[0]) * step - 0.3) <= 0.3 * 1e-9)
        #expect(r.params.output_min == 3 && r.params.output_max == 255 && r.params.output_zero_point == 3)
    }

    @Test func convParametersRejectUnrepresentableScales() {
        let clamp = OutputClamp(zeroPoint: 0, relu: false)
        #expect(throws: RequantizationError.self) { try ConvRequantization(realMultipliers: [0.6], clamp: clamp) }
        #expect(throws: RequantizationError.self) { try ConvRequantization(realMultipliers: [.nan], clamp: clamp) }
        #expect(throws: RequantizationError.self) { try ConvRequantization(realMultipliers: [-0.1], clamp: clamp) }
        #expect(throws: RequantizationError.self) { try ConvRequantization(realMultipliers: [0, 0], clamp: clamp) }
        let error = RequantizationError.scaleOutOfRange(what: "conv", value: 0.6, allowed: "(0, 0.5)")
        #expect(error.description.contains("0.6"))
    }

    @Test func standaloneKernelMatchesScalarFormula() throws {
        var rng = KernelTestRandom(seed: 5)
        let pixels = 7, channels = 21, accStride = 24, outStride = 32
        let acc = (0..<(pixels * accStride)).map { _ in Int32.random(in: -(1 << 22)...(1 << 22), using: &rng) }
        let bias = (0..<channels).map { _ in Int32.random(in: -(1 << 20)...(1 << 20), using: &rng) }
        let r = try ConvRequantization(realMultipliers: (0..<channels).map { _ in Double.random(in: 1e-5...1e-4, using: &rng) },
                                       clamp: OutputClamp(zeroPoint: 100, relu: false))
        var out = [UInt8](repeating: 0, count: pixels * outStride)
        ReferenceRequantKernel.run(acc: acc, accStride: accStride, pixels: pixels, channels: channels, bias: bias,
                                   multipliers: r.multipliers, requant: r.params, output: &out, outputStride: outStride)
        var distinct = Set<UInt8>()
        for p in 0..<pixels {
            for c in 0..<channels {
                let expected = Self.exactRound(acc[p * accStride + c] + bias[c], r.multipliers[c], shift: r.params.shift)
                #expect(Int64(out[p * outStride + c]) == min(max(expected + 100, 0), 255))
                distinct.insert(out[p * outStride + c])
            }
        }
        #expect(distinct.count > 20)
    }
}
