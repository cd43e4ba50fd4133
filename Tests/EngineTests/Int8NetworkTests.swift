import Testing
import Foundation
import TestSupport
@testable import Engine

/// Whole networks: int8 against fp32 on real training photos, and the ISAs against each other.
@Suite struct Int8NetworkTests {
    /// The fixture model (every op, random weights, mean 127.5: the requantised input path)
    /// calibrated on three training photos: every head within 10% relative L2 of fp32, on a
    /// calibration photo and on one it was not calibrated on. (Measured: about 2-4%; random
    /// weights make no layer especially robust, so this is a conservative model.)
    @Test func fixtureHeadsStayCloseToFP32() throws {
        let model = try ModelFile.load(directory: TestModels.tinyDirectory)
        let photos = try Int8TestModels.trainingPhotos.map { try Int8TestModels.photo($0, width: 96, height: 64) }
        let quantized = try Int8TestModels.quantize(model, images: Array(photos.prefix(3)), method: .percentile)
        let heads = ["m1_cls", "m1_reg", "m2_cls", "m2_reg", "m3_cls", "m3_reg"]
        let int8 = try Int8Network(model: model, quantized: quantized, inputWidth: 96, inputHeight: 64, threads: 2,
                                   floatOutputs: heads)
        let fp32 = try FP32Network(model: model, inputWidth: 96, inputHeight: 64)
        for photo in [photos[0], photos[3]] {
            model.description.input.normalize(photo, into: fp32.input.baseAddress!, paddedWidth: 96, paddedHeight: 64)
            fp32.run()
            int8.setInput(photo)
            int8.run()
            for head in heads {
                let error = relativeL2(Array(try int8.floatOutput(named: head).data), try fp32.output(named: head).data)
                #expect(error < 0.10, "\(head): relative L2 \(error)")
            }
        }
    }

    /// FACEPIPE_ISA=portable and the auto-selected ISA give the same bytes on the shipped model.
    @Test func portableAndSelectedISAAgreeBitForBit() throws {
        let model = try ModelFile.load(directory: TestPaths.repo("Configs/models/ssh-lite").path)
        let photo = try Int8TestModels.photo(Int8TestModels.trainingPhotos[1], width: 150, height: 100)
        let quantized = try Int8TestModels.quantize(model, images: [photo])
        let best = try KernelTable(isa: KernelISA.available.last!)
        var outputs: [[UInt8]] = []
        for table in [try KernelTable(isa: .portable), best] {
            let net = try Int8Network(model: model, quantized: quantized, inputWidth: 160, inputHeight: 128, threads: 2,
                                      floatOutputs: [], kernels: table)
            net.setInput(photo)
            net.run()
            outputs.append(try model.layers.flatMap { try net.quantizedValues(named: $0.name) })
        }
        #expect(outputs[0] == outputs[1], "portable vs \(best.isa)")
        #expect(outputs[0].contains { $0 != outputs[0][0] }, "outputs must not be constant")
    }

    @Test func comparisonReportsEveryLayer() throws {
        let model = try ModelFile.load(directory: TestModels.tinyDirectory)
        let photo = try Int8TestModels.photo(Int8TestModels.trainingPhotos[2], width: 64, height: 64)
        let quantized = try Int8TestModels.quantize(model, images: [photo])
        let comparison = Int8Comparison(model: model, quantized: quantized)
        try comparison.add(photo)
        let layers = comparison.layers
        #expect(layers.map(\.name) == model.layers.map(\.name))
        // The first conv reads an almost exact input: its error is its own rounding.
        #expect(layers[0].sqnr > 30, "\(layers[0])")
        #expect(layers.allSatisfy { $0.sqnr.isFinite && $0.relativeL2 < 0.2 }, "\(layers)")
    }

    @Test func reportsLayersAndTimes() throws {
        let model = try ModelFile.load(directory: TestModels.tinyDirectory)
        let image = Int8TestModels.randomImage(width: 64, height: 32, seed: 8)
        let net = try Int8Network(model: model, quantized: try Int8TestModels.quantize(model, images: [image]),
                                  inputWidth: 64, inputHeight: 32)
        let fp32 = try FP32Network(model: model, inputWidth: 64, inputHeight: 32)
        #expect(net.layers == fp32.layers)
        net.setInput(image)
        net.run()
        #expect(net.layerNanoseconds.allSatisfy { $0 == 0 }, "timing is off by default")
        net.recordsLayerTimes = true
        net.run()
        #expect(net.layerNanoseconds.count == model.layers.count && net.layerNanoseconds.reduce(0, +) > 0)
        #expect(throws: ModelError.self) { _ = try net.floatOutput(named: "m1_cls") }  // not asked for at planning
    }

    @Test func histogramPercentileClipsOnlyTheTails() {
        var h = ActivationHistogram()
        // 100,000 values spread over -1...3 and two outliers.
        let values = (0..<100_000).map { Float($0) / 25_000 - 1 } + [50, -40]
        values.withUnsafeBufferPointer { h.add($0) }
        #expect(h.range(percentile: nil) == (-40, 50))
        let clipped = h.range(percentile: 99.9)
        #expect(clipped.high >= 2.9 && clipped.high <= 3.2, "\(clipped)")
        #expect(clipped.low <= -0.9 && clipped.low >= -1.1, "\(clipped)")
        // ReLU-like: nothing below 0, so the low end stays 0.
        var relu = ActivationHistogram()
        let positive = (0..<1000).map { Float($0) / 100 }
        positive.withUnsafeBufferPointer { relu.add($0) }
        #expect(relu.range(percentile: 99.99).low == 0)
        #expect(ActivationQuantization(low: 0, high: 10).zeroPoint == 0)
    }
}
