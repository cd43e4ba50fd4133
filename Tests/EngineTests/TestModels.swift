import Foundation
import FacepipeCore
import TestSupport
@testable import Engine

/// Deterministic numbers for test inputs and weights (TestSupport's SplitMix64).
typealias SeededRandom = SplitMix64

enum TestModels {
    static let tinyDirectory = TestPaths.repo("Tests/Fixtures/engine/tiny").path

    static let header = """
        format: facepipe-ssh/1
        name: unit
        weights: weights.safetensors
        input: {channels: rgb, mean: [127.5, 127.5, 127.5], std: [128, 128, 128], max_short_side: 400, max_long_side: 800, pad_multiple: 32}
        layers:

        """

    /// A model held in memory: `layers` is the YAML list body (one `- {...}` per line); conv
    /// weights are random, from `seed`, with the shapes the graph asks for.
    static func make(_ layers: String, seed: UInt64 = 1) throws -> ModelFile {
        let description = try StrictYAML.decode(ModelDescription.self, from: header + layers, file: "unit.yaml")
        let probe = try ModelFile.checkedGraphOnly(description)
        var random = SeededRandom(seed: seed)
        var writer = SafeTensorsWriter()
        for layer in probe {
            guard case .conv(let p) = layer.operation else { continue }
            let fanIn = Float(p.inChannels / p.groups * p.kernel * p.kernel)
            let scale = (2 / fanIn).squareRoot()
            writer.add("\(layer.name).weight", random.floats(p.weightShape.reduce(1, *)).map { $0 * scale }, shape: p.weightShape)
            writer.add("\(layer.name).bias", random.floats(p.outChannels).map { $0 * 0.1 }, shape: [p.outChannels])
        }
        let tensors = try SafeTensors(bytes: try writer.serialized(), path: "unit.safetensors")
        return try ModelFile(description: description, tensors: tensors, yamlPath: "unit.yaml")
    }

    /// Fills the network input with deterministic values in -1...1 and runs it.
    static func runRandom(_ net: FP32Network, seed: UInt64 = 7) {
        var random = SeededRandom(seed: seed)
        let input = net.input
        for i in input.indices { input[i] = random.float() }
        net.run()
    }

    /// Copies a model folder into a scratch folder, for tests that break files.
    static func scratchCopy(of directory: String, name: String) throws -> URL {
        let dest = try TestPaths.scratch(name)
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where !file.hasPrefix("expected") {
            try FileManager.default.copyItem(atPath: (directory as NSString).appendingPathComponent(file),
                                             toPath: dest.appendingPathComponent(file).path)
        }
        return dest
    }
}

extension ModelFile {
    /// The layers of a description with the weights check skipped (tests build the weights from them).
    static func checkedGraphOnly(_ d: ModelDescription) throws -> [Layer] {
        try checkedLayers(d.layers, inputChannels: 3, yamlPath: "unit.yaml")
    }
}

/// Largest |a - b| over the largest |b|: the error relative to the tensor's scale (an
/// elementwise ratio is meaningless where the reference is near zero).
func relativeError(_ a: UnsafeBufferPointer<Float>, _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    var diff: Float = 0, scale: Float = 0
    for i in 0..<b.count {
        diff = max(diff, abs(a[i] - b[i]))
        scale = max(scale, abs(b[i]))
    }
    return scale == 0 ? diff : diff / scale
}
