import FacepipeCore
import Foundation

/// How far the int8 network's layers are from fp32 on real pictures: per layer, the energy of
/// the fp32 output and of the difference (int8 dequantised minus fp32), summed over pictures.
/// For the quantiser's report and the tests; allocates freely (not for the frame path).
public final class Int8Comparison {
    public struct LayerError: Sendable, CustomStringConvertible {
        public var name: String
        /// "conv+relu" for a conv written on its ReLU concat's grid (compared with relu(fp32)).
        public var op: String
        /// Signal-to-quantisation-noise ratio, 10 log10(sum fp32^2 / sum (int8 - fp32)^2).
        var sqnr: Double
        /// sqrt(sum (int8 - fp32)^2 / sum fp32^2).
        var relativeL2: Double
        /// Largest |int8 - fp32|, and the layer's int8 step (scale) to compare it with.
        var maxAbsError: Double
        public var scale: Double

        public var description: String {
            func padded(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
            return padded(name, 16) + " " + padded(op, 10)
                + String(format: " SQNR %6.1f dB  rel L2 %6.2f%%  max |err| %.4g (%.1f steps)",
                         sqnr, relativeL2 * 100, maxAbsError, maxAbsError / scale)
        }
    }

    public let model: ModelFile
    public let quantized: Int8Model
    public private(set) var imageCount = 0
    private let runner: FP32Runner
    private let threads: Int
    private var network: Int8Network?
    private var signal: [Double]
    private var noise: [Double]
    private var maxError: [Double]
    /// Convs stored on the grid of a ReLU concat: they hold relu(x), so that is what they are compared with.
    private let foldedReLU: Set<String>

    public init(model: ModelFile, quantized: Int8Model, threads: Int = 1) {
        self.model = model
        self.quantized = quantized
        self.threads = threads
        runner = FP32Runner(model: model, threads: threads)
        signal = Array(repeating: 0, count: model.layers.count)
        noise = signal
        maxError = signal
        foldedReLU = Set(Int8Quantizer.concatSharing(model).filter { conv, concat in
            guard case .concat(true) = model.layer(named: concat)?.operation else { return false }
            return quantized.activations[conv] == quantized.activations[concat]
        }.keys)
    }

    public func add(_ image: RGBImage) throws {
        let reference = try runner.run(image)
        let size = reference.inputShape
        if network?.inputShape != size {
            network = nil
            network = try Int8Network(model: model, quantized: quantized, inputWidth: size.width, inputHeight: size.height,
                                      threads: threads)
        }
        let net = network!
        net.setInput(image)
        net.run()
        for (i, layer) in model.layers.enumerated() {
            let fp = try reference.output(named: layer.name).data
            let q = try net.dequantized(named: layer.name)
            let relu = foldedReLU.contains(layer.name)
            var s = 0.0, n = 0.0, m = 0.0
            for j in 0..<q.count {
                let r = relu ? max(Double(fp[j]), 0) : Double(fp[j]), d = Double(q[j]) - r
                s += r * r; n += d * d; m = max(m, abs(d))
            }
            signal[i] += s; noise[i] += n; maxError[i] = max(maxError[i], m)
        }
        imageCount += 1
    }

    public var layers: [LayerError] {
        model.layers.enumerated().map { i, layer in
            let s = signal[i], n = noise[i]
            return LayerError(name: layer.name, op: foldedReLU.contains(layer.name) ? "conv+relu" : layer.operation.opName,
                              sqnr: n == 0 ? .infinity : 10 * log10(max(s, 1e-30) / n),
                              relativeL2: s == 0 ? (n == 0 ? 0 : .infinity) : (n / s).squareRoot(),
                              maxAbsError: maxError[i], scale: quantized.activations[layer.name]!.scale)
        }
    }
}
