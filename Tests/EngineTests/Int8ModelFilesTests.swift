import Testing
import Foundation
import TestSupport
@testable import Engine

/// int8.yaml + int8.safetensors: written, read back unchanged, and refused with a message
/// naming the problem when missing, damaged or out of date.
@Suite struct Int8ModelFilesTests {
    /// The fixture model copied to a scratch folder and quantised there.
    static func calibratedCopy(_ name: String) throws -> (folder: String, model: ModelFile, quantized: Int8Model) {
        let folder = try TestModels.scratchCopy(of: TestModels.tinyDirectory, name: name).path
        let model = try ModelFile.load(directory: folder)
        let quantized = try Int8TestModels.quantize(model, images: [Int8TestModels.randomImage(width: 40, height: 30, seed: 3)],
                                                    method: .percentile)
        try quantized.write(directory: folder, model: model)
        return (folder, model, quantized)
    }

    static func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "no error"
    }

    @Test func roundTrips() throws {
        let (folder, model, quantized) = try Self.calibratedCopy("int8-roundtrip")
        let loaded = try Int8Model.load(directory: folder, model: model)
        #expect(loaded.activations == quantized.activations)
        #expect(loaded.convs == quantized.convs)
        #expect(loaded.calibration == quantized.calibration)
        #expect(loaded.calibration.method == .percentile && loaded.calibration.percentile == 99.999)
        #expect(loaded.source == quantized.source)
        #expect(loaded.input == quantized.input)
        #expect(loaded.adjustments == quantized.adjustments)
    }

    @Test func missingCalibrationSaysHowToMakeIt() throws {
        let folder = try TestModels.scratchCopy(of: TestModels.tinyDirectory, name: "int8-none").path
        let model = try ModelFile.load(directory: folder)
        let text = Self.message { _ = try Int8Model.load(directory: folder, model: model) }
        #expect(text.contains("no int8 calibration in \(folder)") && text.contains("facepipe quantize"), "\(text)")
    }

    @Test func changedFP32WeightsAreDetected() throws {
        let (folder, _, _) = try Self.calibratedCopy("int8-stale")
        // Same shapes, one weight changed: only the fingerprint can tell.
        let weightsPath = folder + "/weights.safetensors"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: weightsPath))
        bytes[bytes.count - 1] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: weightsPath))
        let model = try ModelFile.load(directory: folder)
        let text = Self.message { _ = try Int8Model.load(directory: folder, model: model) }
        #expect(text.contains("model changed since calibration") && text.contains("weights.safetensors"), "\(text)")
    }

    @Test func changedInt8ValuesAreDetected() throws {
        let (folder, model, _) = try Self.calibratedCopy("int8-values")
        let path = folder + "/int8.safetensors"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count - 3] ^= 0x01  // a weight scale's low bits: shapes and dtypes still fine
        try bytes.write(to: URL(fileURLWithPath: path))
        let text = Self.message { _ = try Int8Model.load(directory: folder, model: model) }
        #expect(text.contains("int8.safetensors") && text.contains("int8.yaml was written with"), "\(text)")
    }

    @Test func damagedInt8TensorsAreNamed() throws {
        let (folder, model, quantized) = try Self.calibratedCopy("int8-tensors")
        let path = folder + "/int8.safetensors"
        func rewrite(_ edit: (inout SafeTensorsWriter) -> Void) throws {
            var writer = SafeTensorsWriter()
            for layer in model.layers {
                guard case .conv(let p) = layer.operation else { continue }
                let c = quantized.convs[layer.name]!
                writer.add("\(layer.name).weight", c.weights, shape: p.weightShape)
                writer.add("\(layer.name).bias", c.bias, shape: [p.outChannels])
                writer.add("\(layer.name).weight_scale", c.weightScales, shape: [p.outChannels])
            }
            edit(&writer)
            try writer.write(to: path)
        }
        try rewrite { $0.add("ghost.weight", [Int8](repeating: 1, count: 4), shape: [4]) }
        var text = Self.message { _ = try Int8Model.load(directory: folder, model: model) }
        #expect(text.contains("ghost.weight") && text.contains("not used"), "\(text)")

        // A bias stored as F32 instead of I32 (written under the same name, later entry wins in the header).
        var writer = SafeTensorsWriter()
        for layer in model.layers {
            guard case .conv(let p) = layer.operation else { continue }
            let c = quantized.convs[layer.name]!
            writer.add("\(layer.name).weight", c.weights, shape: p.weightShape)
            if layer.name == "stem2" {
                writer.add("\(layer.name).bias", c.bias.map(Float.init), shape: [p.outChannels])
            } else {
                writer.add("\(layer.name).bias", c.bias, shape: [p.outChannels])
            }
            writer.add("\(layer.name).weight_scale", c.weightScales, shape: [p.outChannels])
        }
        try writer.write(to: path)
        text = Self.message { _ = try Int8Model.load(directory: folder, model: model) }
        #expect(text.contains("stem2.bias") && text.contains("I32"), "\(text)")

        // Truncated file.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        text = Self.message { _ = try Int8Model.load(directory: folder, model: model) }
        #expect(text.contains("int8.safetensors") && text.contains("truncated"), "\(text)")
    }

    @Test func damagedYAMLIsNamed() throws {
        let (folder, model, _) = try Self.calibratedCopy("int8-yaml")
        let path = folder + "/int8.yaml"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        func load(_ text: String) throws -> String {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return Self.message { _ = try Int8Model.load(directory: folder, model: model) }
        }
        // A layer's entry missing.
        let withoutB1 = original.split(separator: "\n").filter { !$0.contains("{name: b1,") }.joined(separator: "\n")
        var text = try load(withoutB1)
        #expect(text.contains("'b1' has no entry"), "\(text)")
        // An unknown key.
        text = try load(original.replacingOccurrences(of: "model: engine-test-tiny", with: "model: engine-test-tiny\nmodle: x"))
        #expect(text.contains("modle"), "\(text)")
        // A zero scale.
        let zeroScale = original.split(separator: "\n").map {
            $0.contains("{name: stem1,") ? "  - {name: stem1, scale: 0, zero_point: 0}" : String($0)
        }.joined(separator: "\n")
        text = try load(zeroScale)
        #expect(text.contains("stem1"), "\(text)")
        // A maxpool whose grid differs from its input's.
        let pool = original.split(separator: "\n").map {
            $0.contains("{name: pool,") ? "  - {name: pool, scale: 0.5, zero_point: 3}" : String($0)
        }.joined(separator: "\n")
        text = try load(pool)
        #expect(text.contains("pool") && text.contains("maxpool must keep"), "\(text)")
    }
}
