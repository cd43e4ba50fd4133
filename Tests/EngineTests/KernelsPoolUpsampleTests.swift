import Testing
@testable import Engine

/// Maxpool 2x2/2 and bilinear 2x upsampling on the blocked layout, against straightforward
/// references (the upsample one follows PyTorch's align_corners=False formula in Double).
@Suite struct KernelsPoolUpsampleTests {
    static let sizes: [(height: Int, width: Int, channels: Int)] = [(1, 1, 3), (2, 2, 16), (5, 7, 5), (8, 6, 33), (3, 10, 64), (9, 1, 20)]

    @Test func maxPoolMatchesReference() {
        var rng = KernelTestRandom(seed: 1)
        for size in Self.sizes {
            let shape = BlockedShape(height: size.height, width: size.width, channels: size.channels)
            let input = rng.bytes(shape.byteCount)
            let outShape = BlockedShape(height: size.height / 2, width: size.width / 2, channels: size.channels)
            var output = [UInt8](repeating: 0, count: outShape.byteCount)
            MaxPool2x2Kernel.run(input: input, height: size.height, width: size.width, pixelStride: shape.pixelStride, output: &output)
            var expected = [UInt8](repeating: 0, count: outShape.byteCount)
            for oy in 0..<outShape.height {
                for ox in 0..<outShape.width {
                    for c in 0..<shape.pixelStride {
                        var best: UInt8 = 0
                        for dy in 0..<2 { for dx in 0..<2 {
                            best = max(best, input[((2 * oy + dy) * size.width + 2 * ox + dx) * shape.pixelStride + c])
                        } }
                        expected[(oy * outShape.width + ox) * shape.pixelStride + c] = best
                    }
                }
            }
            #expect(output == expected, "\(size)")
        }
    }

    /// PyTorch bilinear, align_corners=False, scale 2, on the raw uint8 values (same scale and
    /// zero point in and out), rounded to nearest with ties up.
    static func pytorchUpsample(_ input: [UInt8], height: Int, width: Int, stride: Int) -> [UInt8] {
        func source(_ dst: Int, _ size: Int) -> (Int, Int, Double) {
            let s = max((Double(dst) + 0.5) / 2 - 0.5, 0)
            let i0 = Int(s.rounded(.down))
            return (i0, min(i0 + 1, size - 1), s - Double(i0))
        }
        var out = [UInt8](repeating: 0, count: 4 * height * width * stride)
        for oy in 0..<(2 * height) {
            let (y0, y1, ly) = source(oy, height)
            for ox in 0..<(2 * width) {
                let (x0, x1, lx) = source(ox, width)
                for c in 0..<stride {
                    func v(_ y: Int, _ x: Int) -> Double { Double(input[(y * width + x) * stride + c]) }
                    let value = (1 - ly) * ((1 - lx) * v(y0, x0) + lx * v(y0, x1)) + ly * ((1 - lx) * v(y1, x0) + lx * v(y1, x1))
                    out[(oy * 2 * width + ox) * stride + c] = UInt8((value + 0.5).rounded(.down))
                }
            }
        }
        return out
    }

    @Test func upsampleMatchesPyTorchSemantics() {
        var rng = KernelTestRandom(seed: 2)
        for size in Self.sizes {
            let shape = BlockedShape(height: size.height, width: size.width, channels: size.channels)
            let input = rng.bytes(shape.byteCount)
            var output = [UInt8](repeating: 0, count: 4 * shape.byteCount)
            Upsample2xKernel.run(input: input, height: size.height, width: size.width, pixelStride: shape.pixelStride, output: &output)
            let expected = Self.pytorchUpsample(input, height: size.height, width: size.width, stride: shape.pixelStride)
            #expect(firstDifference(output, expected) == nil, "\(size)")
        }
    }

    @Test func upsampleOfAConstantIsTheConstant() {
        let input = [UInt8](repeating: 77, count: 3 * 4 * 16)
        var output = [UInt8](repeating: 0, count: 4 * input.count)
        Upsample2xKernel.run(input: input, height: 3, width: 4, pixelStride: 16, output: &output)
        #expect(output.allSatisfy { $0 == 77 })
    }
}
