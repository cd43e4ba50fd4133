import Testing
import Foundation
@testable import Engine

/// Every int8 operator on the blocked layout against the same operator in floating point,
/// fed the int8 network's own dequantised inputs (and dequantised int8 weights for convs):
/// all integer arithmetic must then agree with real arithmetic up to the output rounding,
/// i.e. within half an output step (plus 1% of a step for the fixed-point multipliers).
/// Odd sizes, 3-, 5-, 20- and 33-channel tensors (not multiples of 4 or 16), both input paths.
@Suite struct Int8OperatorTests {
    static let tolerance = 0.51

    /// conv 3x3/1x1/5x5, stride 1/2, pad, ReLU or not, grouped; maxpool 2x2 and 3x3 pad 1;
    /// upsample; add with and without ReLU; concat of a shared-grid conv and an own-grid tensor.
    static let everyOp = """
        - {name: c5, op: conv, inputs: [image], out_channels: 5, kernel: 3, stride: 1, pad: 1, relu: true}
        - {name: c20, op: conv, inputs: [c5], out_channels: 20, kernel: 3, stride: 2, pad: 1, relu: false}
        - {name: c33, op: conv, inputs: [c20], out_channels: 33, kernel: 1, stride: 1, pad: 0, relu: true}
        - {name: g, op: conv, inputs: [c20], out_channels: 10, kernel: 3, stride: 1, pad: 1, relu: true, groups: 5}
        - {name: k5, op: conv, inputs: [c5], out_channels: 20, kernel: 5, stride: 2, pad: 2, relu: false}
        - {name: p2, op: maxpool, inputs: [c5], kernel: 2, stride: 2, pad: 0}
        - {name: p3, op: maxpool, inputs: [c20], kernel: 3, stride: 2, pad: 1}
        - {name: up, op: upsample2x, inputs: [p3]}
        - {name: sum, op: add, inputs: [k5, c20], relu: false}
        - {name: sumr, op: add, inputs: [sum, k5], relu: true}
        - {name: head, op: conv, inputs: [sum], out_channels: 3, kernel: 3, stride: 1, pad: 1, relu: false}
        - {name: cat, op: concat, inputs: [head, sumr, c33], relu: true}
        - {name: cat2, op: concat, inputs: [sum, g], relu: false}
        """

    @Test(arguments: [(13, 7, Float(128)), (9, 11, Float(127.5)), (16, 6, Float(100))])
    func everyOperatorMatchesRealArithmetic(_ size: (width: Int, height: Int, mean: Float)) throws {
        let model = try Int8TestModels.make(Self.everyOp, mean: size.mean, std: size.mean == 100 ? 64 : 128)
        let images = (0..<3).map { Int8TestModels.randomImage(width: size.width, height: size.height, seed: UInt64($0)) }
        let quantized = try Int8TestModels.quantize(model, images: images)
        #expect(quantized.input.isDirect == (size.mean != 127.5), "an integer mean shared by all channels is copied as is")
        let net = try Int8Network(model: model, quantized: quantized, inputWidth: size.width, inputHeight: size.height,
                                  threads: 2)
        for image in images + [Int8TestModels.randomImage(width: size.width, height: size.height, seed: 99)] {
            net.setInput(image)
            net.run()
            for layer in model.layers {
                let steps = try Int8LayerReference.errorInSteps(layer, net: net)
                #expect(steps <= Self.tolerance, "\(layer.name) (\(layer.operation.opName)): \(steps) steps off")
            }
        }
    }

    @Test func inputIsThePictureWhenMeanAndStdAre128() throws {
        let model = try Int8TestModels.make("- {name: c, op: conv, inputs: [image], out_channels: 4, kernel: 1, stride: 1, pad: 0}")
        let quantized = try Int8TestModels.quantize(model, images: [Int8TestModels.randomImage(width: 5, height: 3, seed: 1)])
        #expect(quantized.input.parameters == ActivationQuantization(scale: 1.0 / 128, zeroPoint: 128))
        let image = Int8TestModels.randomImage(width: 5, height: 3, seed: 2)
        let net = try Int8Network(model: model, quantized: quantized, inputWidth: 7, inputHeight: 4)
        net.setInput(image)
        let bytes = try net.quantizedValues(named: "image")
        for c in 0..<3 {
            for y in 0..<4 {
                for x in 0..<7 {
                    let want = x < 5 && y < 3 ? image.pixels[y * image.stride + 3 * x + c] : 128
                    #expect(bytes[(c * 4 + y) * 7 + x] == want, "channel \(c) at \(x),\(y)")
                }
            }
        }
    }

    @Test func requantisedInputFollowsTheNormalisation() throws {
        let model = try Int8TestModels.make("- {name: c, op: conv, inputs: [image], out_channels: 4, kernel: 1, stride: 1, pad: 0}",
                                            mean: 127.5, std: 60)
        let quantized = try Int8TestModels.quantize(model, images: [Int8TestModels.randomImage(width: 5, height: 3, seed: 1)])
        #expect(!quantized.input.isDirect)
        let q = quantized.input.parameters
        for p in [0, 1, 100, 127, 128, 254, 255] {
            let real = (Double(p) - 127.5) / 60
            let stored = Double(quantized.input.table[p] ) - Double(q.zeroPoint)
            #expect(abs(stored * q.scale - real) <= q.scale / 2 + 1e-9, "pixel \(p)")
        }
    }

    /// Large enough that every operator splits its work (add and concat only split past 64 KiB).
    @Test func threadCountsGiveIdenticalBytes() throws {
        let model = try Int8TestModels.make(Self.everyOp)
        let image = Int8TestModels.randomImage(width: 203, height: 181, seed: 5)
        let quantized = try Int8TestModels.quantize(model, images: [image])
        var outputs: [[UInt8]] = []
        for threads in [1, 3] {
            let net = try Int8Network(model: model, quantized: quantized, inputWidth: 203, inputHeight: 181, threads: threads)
            net.setInput(image)
            net.run()
            outputs.append(try model.layers.flatMap { try net.quantizedValues(named: $0.name) })
        }
        #expect(outputs[0] == outputs[1])
    }
}
