import FacepipeCore

/// Collects the activation ranges of every layer of the fp32 network over calibration
/// pictures (resized by the model's rule by the caller), then quantises the model with them.
/// Only a fixed histogram per tensor is kept, whatever the number of pictures.
public final class Calibrator {
    public let model: ModelFile
    public let method: CalibrationMethod
    /// The kept share of each tail for `percentile` (99.999 clips 0.001% of the values on each side).
    public let percentile: Double
    public private(set) var imageCount = 0
    private let runner: FP32Runner
    private var histograms: [ActivationHistogram]

    public init(model: ModelFile, method: CalibrationMethod, percentile: Double = 99.999, threads: Int = 1) {
        self.model = model
        self.method = method
        self.percentile = percentile
        runner = FP32Runner(model: model, threads: threads)
        histograms = Array(repeating: ActivationHistogram(), count: model.layers.count)
    }

    /// Runs the fp32 network on one picture and adds every layer's values to the statistics.
    public func add(_ image: RGBImage) throws {
        let net = try runner.run(image)
        for (i, layer) in model.layers.enumerated() {
            histograms[i].add(try net.output(named: layer.name).data)
        }
        imageCount += 1
    }

    /// Each layer's chosen real range (before the quantiser widens it to include 0).
    public func ranges() -> [String: (low: Double, high: Double)] {
        var out: [String: (low: Double, high: Double)] = [:]
        for (i, layer) in model.layers.enumerated() {
            out[layer.name] = histograms[i].range(percentile: method == .percentile ? percentile : nil)
        }
        return out
    }

    /// Quantises the model with the statistics so far. `sources` lists the pictures added (for
    /// the record), `summary` says where they came from.
    public func quantize(sources: [String], summary: String) throws -> Int8Model {
        guard imageCount > 0 else {
            throw ModelError(.badGraph, file: model.yamlPath, problem: "calibration needs at least one picture")
        }
        let info = CalibrationInfo(method: method, percentile: method == .percentile ? percentile : nil,
                                   images: imageCount, sourcesHash: calibrationSourcesHash(sources), sources: summary)
        return try Int8Quantizer.quantize(model: model, ranges: ranges(), calibration: info)
    }
}
