import Testing
import Foundation
@testable import Engine

/// The quantiser's choices: grids, shared concat grids, weights and biases, and the changes it
/// makes (and records) to stay inside the kernels' limits.
@Suite struct Int8QuantizerTests {
    static let layers = """
        - {name: a, op: conv, inputs: [image], out_channels: 6, kernel: 3, stride: 1, pad: 1, relu: false}
        - {name: b, op: conv, inputs: [image], out_channels: 5, kernel: 3, stride: 1, pad: 1, relu: true}
        - {name: pool, op: maxpool, inputs: [b], kernel: 2, stride: 2, pad: 0}
        - {name: up, op: upsample2x, inputs: [pool]}
        - {name: cat, op: concat, inputs: [a, b], relu: true}
        """

    static func info() -> CalibrationInfo {
        CalibrationInfo(method: .minmax, percentile: nil, images: 1, sourcesHash: "0", sources: "test")
    }

    @Test func gridsFollowTheRangesAndTheGraph() throws {
        let model = try Int8TestModels.make(Self.layers)
        let ranges: [String: (low: Double, high: Double)] = ["a": (-2, 6), "b": (0, 3), "pool": (0, 3), "up": (0, 3), "cat": (0, 5)]
        let q = try Int8Quantizer.quantize(model: model, ranges: ranges, calibration: Self.info())
        // 'a' is read only by the ReLU concat: it is written on the concat's grid (ReLU folded in).
        #expect(q.activations["a"] == q.activations["cat"])
        #expect(q.activations["cat"] == ActivationQuantization(scale: 5.0 / 255, zeroPoint: 0))
        // 'b' is also read by the pool: it keeps its own grid, and pool/upsample inherit it.
        #expect(q.activations["b"] == ActivationQuantization(scale: 3.0 / 255, zeroPoint: 0))
        #expect(q.activations["pool"] == q.activations["b"] && q.activations["up"] == q.activations["b"])
        #expect(q.adjustments.isEmpty)
        // Weights: symmetric per output channel, the largest |w| at +-127; bias in units of sx * sw.
        let (w, bias) = try model.convWeights("b")
        let c = q.convs["b"]!
        let perChannel = w.count / 5
        for o in 0..<5 {
            let channel = w[(o * perChannel)..<((o + 1) * perChannel)]
            #expect(abs(c.weightScales[o] - channel.map(abs).max()! / 127) < 1e-9)
            #expect(c.weights[(o * perChannel)..<((o + 1) * perChannel)].map { abs(Int($0)) }.max() == 127)
            let expected = (Double(bias[o]) / (q.input.parameters.scale * Double(c.weightScales[o]))).rounded()
            #expect(Double(c.bias[o]) == expected)
        }
    }

    @Test func convMultiplierOverTheLimitWidensTheOutputAndSaysSo() throws {
        let model = try Int8TestModels.make(Self.layers)
        // A tiny output range for 'b' would need a requantisation multiplier far above 0.5.
        let ranges: [String: (low: Double, high: Double)] = ["a": (-2, 6), "b": (0, 1e-4), "pool": (0, 1e-4), "up": (0, 1e-4), "cat": (0, 5)]
        let q = try Int8Quantizer.quantize(model: model, ranges: ranges, calibration: Self.info())
        #expect(q.adjustments.count == 1 && q.adjustments[0].hasPrefix("b: output scale"), "\(q.adjustments)")
        let sw = Double(q.convs["b"]!.weightScales.max()!)
        #expect(abs(q.input.parameters.scale * sw / q.activations["b"]!.scale - Int8Quantizer.maximumConvMultiplier) < 1e-9)
        #expect(q.activations["pool"] == q.activations["b"], "the pool follows the widened grid")
        // The result is runnable.
        let net = try Int8Network(model: model, quantized: q, inputWidth: 6, inputHeight: 4)
        net.setInput(Int8TestModels.randomImage(width: 6, height: 4, seed: 1))
        net.run()
    }

    @Test func deadChannelKeepsItsBias() throws {
        let q = Int8Quantizer.quantizeWeights([0.5, -0.25, 0, 0], bias: [0.1, 0.3], outChannels: 2, inputScale: 0.01)
        #expect(q.conv.weights == [127, -64, 0, 0])
        #expect(q.conv.weightScales[1] == q.conv.weightScales[0], "an all-zero channel borrows a real scale")
        #expect(abs(Double(q.conv.bias[1]) * 0.01 * Double(q.conv.weightScales[1]) - 0.3) < 1e-4)
    }
}
