import Testing
@testable import Engine

/// Add and concat with per-input rescaling to the output's scale and zero point.
@Suite struct KernelsAddConcatTests {
    /// Independent integer statement: truncating division plus a half-way test.
    static func roundedShift(_ acc: Int64, _ shift: Int32) -> Int64 {
        let d = Int64(1) << shift
        var q = acc / d
        if (acc % d).magnitude * 2 >= d.magnitude { q += acc < 0 ? -1 : 1 }
        return q
    }

    @Test func addMatchesIntegerFormulaAndRealArithmetic() throws {
        var rng = KernelTestRandom(seed: 3)
        let cases: [(Double, Double, Double, Bool)] = [(0.02, 0.05, 0.06, false), (0.1, 0.1, 0.1, true), (0.003, 0.8, 0.5, false), (1.0, 0.25, 0.01, true)]
        for (sa, sb, so, relu) in cases {
            let za = Int32.random(in: 0...255, using: &rng), zb = Int32.random(in: 0...255, using: &rng)
            let zo = Int32.random(in: 0...255, using: &rng)
            let p = try AddParameters(aScale: sa, aZeroPoint: za, bScale: sb, bZeroPoint: zb, outputScale: so, outputZeroPoint: zo, relu: relu)
            let count = 16 * 37
            let a = rng.bytes(count), b = rng.bytes(count)
            var out = [UInt8](repeating: 0, count: count)
            AddKernel.run(a, b, count: count, p, output: &out)
            var nearTies = 0
            for i in 0..<count {
                let acc = Int64(Int32(a[i]) - za) * Int64(p.a.multiplier) + Int64(Int32(b[i]) - zb) * Int64(p.b.multiplier)
                let low: Int64 = relu ? Int64(zo) : 0
                let exact = min(max(Self.roundedShift(acc, p.shift) + Int64(zo), low), 255)
                #expect(Int64(out[i]) == exact)
                let real = (sa * Double(Int32(a[i]) - za) + sb * Double(Int32(b[i]) - zb)) / so
                let realRounded = min(max(real.rounded(.toNearestOrAwayFromZero) + Double(zo), Double(low)), 255)
                // The 21-bit multipliers are within 2^-21 of the real ratios, so the result may
                // differ from exact real rounding only by one step and only at a near-tie.
                if Double(out[i]) != realRounded {
                    nearTies += 1
                    #expect(abs(Double(out[i]) - realRounded) == 1)
                    #expect(abs(abs(real - real.rounded(.down)) - 0.5) < 1e-3, "\(real) -> \(out[i])")
                }
            }
            #expect(nearTies < count / 10, "\(nearTies) of \(count) at ties")
        }
    }

    @Test func addRejectsRatiosTheFixedPointCannotHold() {
        #expect(throws: RequantizationError.self) {
            try AddParameters(aScale: 1, aZeroPoint: 0, bScale: 1, bZeroPoint: 0, outputScale: 1e-7, outputZeroPoint: 0, relu: false)
        }
        #expect(throws: RequantizationError.self) {
            try AddParameters(aScale: 0, aZeroPoint: 0, bScale: 1, bZeroPoint: 0, outputScale: 1, outputZeroPoint: 0, relu: false)
        }
    }

    @Test func concatRescalesEachSliceIntoPlace() throws {
        var rng = KernelTestRandom(seed: 4)
        let pixels = 23
        let inputs: [(channels: Int, scale: Double, zeroPoint: Int32)] = [(5, 0.02, 10), (16, 0.05, 128), (3, 0.01, 0)]
        let outChannels = inputs.reduce(0) { $0 + $1.channels }
        let outStride = BlockedShape.paddedChannels(outChannels)
        let p = try ConcatParameters(inputs: inputs.map { ($0.scale, $0.zeroPoint) }, outputScale: 0.04, outputZeroPoint: 20, relu: true)
        var out = [UInt8](repeating: 0, count: pixels * outStride)
        var offset = 0
        var data: [[UInt8]] = []
        for (i, input) in inputs.enumerated() {
            let stride = BlockedShape.paddedChannels(input.channels)
            let bytes = rng.bytes(pixels * stride)
            data.append(bytes)
            out.withUnsafeMutableBufferPointer { o in
                ConcatKernel.copySlice(input: bytes, inputStride: stride, channels: input.channels, pixels: pixels,
                                       rescale: p.inputs[i], shift: p.shift, clamp: p.clamp,
                                       output: o.baseAddress! + offset, outputStride: outStride)
            }
            offset += input.channels
        }
        for px in 0..<pixels {
            var c = 0
            for (i, input) in inputs.enumerated() {
                let stride = BlockedShape.paddedChannels(input.channels)
                for ic in 0..<input.channels {
                    let x = Int64(data[i][px * stride + ic])
                    let exact = min(max(Self.roundedShift((x - Int64(input.zeroPoint)) * Int64(p.inputs[i].multiplier), p.shift) + 20, 20), 255)
                    #expect(Int64(out[px * outStride + c]) == exact)
                    let real = (Double(x) - Double(input.zeroPoint)) * input.scale / 0.04
                    #expect(abs(Double(out[px * outStride + c]) - min(max(real.rounded() + 20, 20), 255)) <= 1)
                    c += 1
                }
            }
        }
    }

    @Test func concatWithTheOutputsOwnScaleIsACopy() throws {
        var rng = KernelTestRandom(seed: 6)
        let p = try ConcatParameters(inputs: [(0.05, 37)], outputScale: 0.05, outputZeroPoint: 37, relu: false)
        let bytes = rng.bytes(9 * 16)
        var out = [UInt8](repeating: 0, count: 9 * 16)
        ConcatKernel.copySlice(input: bytes, inputStride: 16, channels: 16, pixels: 9, rescale: p.inputs[0], shift: p.shift,
                               clamp: p.clamp, output: &out, outputStride: 16)
        #expect(out == bytes)
    }
}
