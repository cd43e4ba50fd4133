import FacepipeCore
import TestSupport
import CKernels
@testable import Engine

/// Deterministic random numbers for the kernel tests (TestSupport's SplitMix64).
typealias KernelTestRandom = SplitMix64

/// One conv layer's shape.
struct ConvShape: CustomStringConvertible, Sendable {
    var height: Int, width: Int, inputChannels: Int, outputChannels: Int, kernel: Int, stride: Int, padding: Int
    var description: String {
        "\(height)x\(width)x\(inputChannels)->\(outputChannels) k\(kernel) s\(stride) p\(padding)"
    }

    /// Odd sizes on purpose: 1x1 spatial, 1/2/3/5 input channels (K not a multiple of 4 per
    /// tap), output channels not a multiple of 16, widths not a multiple of any MR.
    static let edgeCases: [ConvShape] = [
        .init(height: 1, width: 1, inputChannels: 3, outputChannels: 5, kernel: 1, stride: 1, padding: 0),
        .init(height: 1, width: 1, inputChannels: 3, outputChannels: 16, kernel: 3, stride: 1, padding: 1),
        .init(height: 7, width: 5, inputChannels: 3, outputChannels: 16, kernel: 3, stride: 2, padding: 1),
        .init(height: 9, width: 11, inputChannels: 5, outputChannels: 20, kernel: 3, stride: 1, padding: 1),
        .init(height: 4, width: 6, inputChannels: 17, outputChannels: 33, kernel: 3, stride: 1, padding: 1),
        .init(height: 6, width: 10, inputChannels: 32, outputChannels: 16, kernel: 1, stride: 1, padding: 0),
        .init(height: 3, width: 13, inputChannels: 64, outputChannels: 48, kernel: 3, stride: 2, padding: 1),
        .init(height: 5, width: 3, inputChannels: 2, outputChannels: 7, kernel: 5, stride: 1, padding: 2),
        .init(height: 2, width: 9, inputChannels: 1, outputChannels: 1, kernel: 3, stride: 1, padding: 1),
        .init(height: 8, width: 8, inputChannels: 16, outputChannels: 64, kernel: 3, stride: 1, padding: 1),
    ]

    static func random(seed: UInt64) -> ConvShape {
        var rng = KernelTestRandom(seed: seed)
        let kernel = [1, 3, 5].randomElement(using: &rng)!
        let padding = Int.random(in: 0...(kernel / 2), using: &rng)
        var height = Int.random(in: 1...12, using: &rng), width = Int.random(in: 1...12, using: &rng)
        height = max(height, kernel - 2 * padding)
        width = max(width, kernel - 2 * padding)
        return ConvShape(height: height, width: width, inputChannels: Int.random(in: 1...40, using: &rng),
                         outputChannels: Int.random(in: 1...70, using: &rng), kernel: kernel,
                         stride: Int.random(in: 1...2, using: &rng), padding: padding)
    }
}

/// A conv layer with random int8 weights, random uint8 input (padding channels random too:
/// they must not matter) and requantisation that spreads outputs over the uint8 range,
/// with its indirection buffer built over stable memory.
final class ConvFixture {
    let shape: ConvShape
    let geometry: ConvIndirection.Geometry
    let inputShape: BlockedShape
    let outputShape: BlockedShape
    let inputZeroPoint: Int32
    let weights: [Int8]
    let bias: [Int32]
    let requantization: ConvRequantization
    let packed: PackedConvWeights
    let input: UnsafeMutableBufferPointer<UInt8>
    let zero: UnsafeMutableBufferPointer<UInt8>
    let indirection: UnsafeMutableBufferPointer<UnsafePointer<UInt8>?>

    /// `tieScale`: every channel's real multiplier is exactly 2^-tieScale and weights are small
    /// (-3...3), so many accumulators land exactly half-way between two outputs (rounding ties).
    init(_ shape: ConvShape, seed: UInt64, relu: Bool? = nil, biasMagnitude: Int32 = 1 << 16, tieScale: Int? = nil) throws {
        var rng = KernelTestRandom(seed: seed)
        self.shape = shape
        geometry = .init(inputHeight: shape.height, inputWidth: shape.width, kernelHeight: shape.kernel,
                         kernelWidth: shape.kernel, stride: shape.stride, padding: shape.padding)
        inputShape = BlockedShape(height: shape.height, width: shape.width, channels: shape.inputChannels)
        outputShape = BlockedShape(height: geometry.outputHeight, width: geometry.outputWidth, channels: shape.outputChannels)
        inputZeroPoint = Int32.random(in: 0...255, using: &rng)
        let k = shape.inputChannels * geometry.taps
        let weightRange: ClosedRange<Int8> = tieScale == nil ? -128...127 : -3...3
        weights = (0..<(shape.outputChannels * k)).map { _ in Int8.random(in: weightRange, using: &rng) }
        bias = (0..<shape.outputChannels).map { _ in Int32.random(in: -biasMagnitude...biasMagnitude, using: &rng) }
        // Accumulator spread ~ 74 * 74 * sqrt(K); aim for ~40 output steps of spread.
        let base = 40.0 / (5500.0 * Double(k).squareRoot())
        let multipliers = (0..<shape.outputChannels).map { _ in
            tieScale.map { Double(sign: .plus, exponent: -$0, significand: 1) } ?? base * Double.random(in: 0.25...4, using: &rng)
        }
        let clamp = OutputClamp(zeroPoint: Int32.random(in: 0...255, using: &rng), relu: relu ?? Bool.random(using: &rng))
        requantization = try ConvRequantization(realMultipliers: multipliers, clamp: clamp)
        packed = try PackedConvWeights(weightsOIHW: weights, bias: bias, outputChannels: shape.outputChannels,
                                       inputChannels: shape.inputChannels, kernelHeight: shape.kernel,
                                       kernelWidth: shape.kernel, inputZeroPoint: inputZeroPoint,
                                       requantization: requantization)
        input = .allocate(capacity: inputShape.byteCount)
        _ = input.initialize(from: rng.bytes(inputShape.byteCount))
        zero = .allocate(capacity: packed.kc)
        zero.initialize(repeating: UInt8(inputZeroPoint))
        indirection = .allocate(capacity: geometry.entryCount)
        ConvIndirection.build(geometry, input: UnsafePointer(input.baseAddress!), pixelStride: inputShape.pixelStride,
                              zero: UnsafePointer(zero.baseAddress!), into: indirection.baseAddress!)
    }

    deinit {
        input.deallocate()
        zero.deallocate()
        indirection.deallocate()
    }

    /// Runs a microkernel over the whole output, optionally in several pixel / block pieces.
    func run(_ kernel: ConvMicrokernel, pixelPieces: [Range<Int>]? = nil, blockPieces: [Range<Int>]? = nil) -> [UInt8] {
        var output = [UInt8](repeating: 0xA5, count: outputShape.byteCount)
        let pixels = pixelPieces ?? [0..<outputShape.pixelCount]
        let blocks = blockPieces ?? [0..<packed.blockCount]
        output.withUnsafeMutableBufferPointer { out in
            for p in pixels {
                for b in blocks {
                    kernel.run(pixels: p, blocks: b, weights: packed, indirection: UnsafePointer(indirection.baseAddress!),
                               output: out.baseAddress!, outputStride: outputShape.pixelStride)
                }
            }
        }
        return output
    }

    /// Direct convolution with int32 arithmetic from the unpacked OIHW weights and the raw
    /// bias, subtracting the zero point explicitly; padding channels of the output come from
    /// an accumulator of 0 (zero weights, zero bias).
    func naiveReference() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: outputShape.byteCount)
        let k = shape.kernel, cin = shape.inputChannels, stride = inputShape.pixelStride
        for oy in 0..<geometry.outputHeight {
            for ox in 0..<geometry.outputWidth {
                let outBase = (oy * geometry.outputWidth + ox) * outputShape.pixelStride
                for oc in 0..<outputShape.pixelStride {
                    guard oc < shape.outputChannels else {
                        output[outBase + oc] = FixedPoint.requantize(0, multiplier: 0, requantization.params)
                        continue
                    }
                    var acc = bias[oc]
                    for ic in 0..<cin {
                        for ky in 0..<k {
                            for kx in 0..<k {
                                let iy = oy * shape.stride - shape.padding + ky, ix = ox * shape.stride - shape.padding + kx
                                let inside = iy >= 0 && iy < shape.height && ix >= 0 && ix < shape.width
                                let x = inside ? Int32(input[(iy * shape.width + ix) * stride + ic]) : inputZeroPoint
                                acc += (x - inputZeroPoint) * Int32(weights[((oc * cin + ic) * k + ky) * k + kx])
                            }
                        }
                    }
                    output[outBase + oc] = FixedPoint.requantize(acc, multiplier: requantization.multipliers[oc], requantization.params)
                }
            }
        }
        return output
    }
}

/// The C scalar twin wrapped as a microkernel (MR = 1), to cross-check the Swift kernel.
let scalarConvKernel = ConvMicrokernel(name: "qu8_conv_1x16c4_scalar", mr: Int(FP_QU8_CONV_MR_SCALAR),
                                       function: fp_qu8_conv_1x16c4_scalar)

/// Index and values of the first difference, for readable failures.
func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String? {
    guard a.count == b.count else { return "sizes differ: \(a.count) vs \(b.count)" }
    guard let i = a.indices.first(where: { a[$0] != b[$0] }) else { return nil }
    let mismatches = zip(a, b).filter { $0 != $1 }.count
    return "byte \(i): \(a[i]) vs \(b[i]) (\(mismatches) of \(a.count) bytes differ)"
}
