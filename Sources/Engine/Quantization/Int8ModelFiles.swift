import Foundation
import FacepipeCore

/// int8.yaml + int8.safetensors in the model folder (the format is written out in `yamlText`).
/// Loading checks everything against the fp32 model: same weights file (size and hash),
/// int8.safetensors as int8.yaml recorded it (size and hash),
/// one grid per layer and one set of int8 tensors per conv with the graph's shapes, nothing
/// left over; the first problem is named with its file and key.
extension Int8Model {
    public static let yamlName = "int8.yaml"
    public static let weightsName = "int8.safetensors"
    public static let format = "facepipe-int8/1"

    /// Writes both files into `directory` (normally the model folder).
    public func write(directory: String, model: ModelFile) throws {
        var writer = SafeTensorsWriter()
        writer.metadata = ["format": Self.format, "model": model.description.name]
        for layer in model.layers {
            guard case .conv(let p) = layer.operation, let c = convs[layer.name] else { continue }
            writer.add("\(layer.name).weight", c.weights, shape: p.weightShape)
            writer.add("\(layer.name).bias", c.bias, shape: [p.outChannels])
            writer.add("\(layer.name).weight_scale", c.weightScales, shape: [p.outChannels])
        }
        let weightsPath = (directory as NSString).appendingPathComponent(Self.weightsName)
        try writer.write(to: weightsPath)
        let written = try WeightsFingerprint.of(path: weightsPath, name: Self.weightsName)
        try yamlText(model: model, weights: written).write(toFile: (directory as NSString).appendingPathComponent(Self.yamlName),
                                         atomically: true, encoding: .utf8)
    }

    func yamlText(model: ModelFile, weights: WeightsFingerprint) -> String {
        var lines = [
            "# int8 quantisation of \(model.description.name), written by `facepipe quantize`",
            "format: \(Self.format)",
            "model: \(model.description.name)",
            "weights: {file: \(weights.file), bytes: \(weights.bytes), fnv1a64: '\(weights.fnv1a64)'}",
            "fp32_weights: {file: \(source.file), bytes: \(source.bytes), fnv1a64: '\(source.fnv1a64)'}",
            "calibration:",
            "  method: \(calibration.method.rawValue)",
        ]
        if let p = calibration.percentile { lines.append("  percentile: \(p)") }
        lines += [
            "  images: \(calibration.images)",
            "  sources: '\(calibration.sources.replacingOccurrences(of: "'", with: "''"))'",
            "  sources_fnv1a64: '\(calibration.sourcesHash)'",
            "input: {scale: \(input.parameters.scale), zero_point: \(input.parameters.zeroPoint), direct: \(input.isDirect)}",
            "activations:  # real = (q - zero_point) * scale, per layer output",
        ]
        for layer in model.layers {
            let q = activations[layer.name]!
            lines.append("  - {name: \(layer.name), scale: \(q.scale), zero_point: \(q.zeroPoint)}")
        }
        lines.append(adjustments.isEmpty ? "adjustments: []" : "adjustments:")
        for a in adjustments { lines.append("  - '\(a.replacingOccurrences(of: "'", with: "''"))'") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// True when `directory` holds an int8.yaml.
    public static func exists(directory: String) -> Bool {
        FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(yamlName))
    }

    /// Loads and checks the int8 files of `directory` against `model`.
    public static func load(directory: String, model: ModelFile) throws -> Int8Model {
        let yamlPath = (directory as NSString).appendingPathComponent(yamlName)
        guard FileManager.default.fileExists(atPath: yamlPath) else {
            throw Int8ModelError.notCalibrated(directory: directory)
        }
        let d = try StrictYAML.decode(Int8Description.self, fromFile: yamlPath)
        func bad(_ key: String, _ problem: String) -> ModelError {
            ModelError(.badGraph, file: yamlPath, subject: key, problem: problem)
        }
        guard d.format == format else { throw bad("format", "is '\(d.format)', this engine reads '\(format)'") }
        guard d.model == model.description.name else {
            throw Int8ModelError.stale(yamlPath: yamlPath, why: "it was made for model '\(d.model)', model.yaml names '\(model.description.name)'")
        }
        guard d.fp32Weights.file == model.description.weights else {
            throw Int8ModelError.stale(yamlPath: yamlPath, why: "it was calibrated from '\(d.fp32Weights.file)', the model now uses '\(model.description.weights)'")
        }
        let now = try WeightsFingerprint.of(path: model.tensors.path, name: model.description.weights)
        let then = WeightsFingerprint(file: d.fp32Weights.file, bytes: d.fp32Weights.bytes, fnv1a64: d.fp32Weights.fnv1a64)
        guard now == then else {
            throw Int8ModelError.stale(yamlPath: yamlPath, why: "it was calibrated from \(then), the file is now \(now)")
        }
        let input = InputQuantization(rule: model.description.input)
        guard input.parameters.zeroPoint == d.input.zeroPoint, abs(input.parameters.scale / d.input.scale - 1) < 1e-9 else {
            throw Int8ModelError.stale(yamlPath: yamlPath,
                why: "its input grid (\(d.input.scale), \(d.input.zeroPoint)) is not the one model.yaml's mean/std give (\(input.parameters))")
        }

        var activations: [String: ActivationQuantization] = [:]
        for (i, a) in d.activations.enumerated() {
            let key = "activations[\(i)] '\(a.name)'"
            guard model.layer(named: a.name) != nil else { throw bad(key, "is not a layer of \(model.yamlPath)") }
            guard activations[a.name] == nil else { throw bad(key, "appears twice") }
            let q = ActivationQuantization(scale: a.scale, zeroPoint: a.zeroPoint)
            guard q.isValid else { throw bad(key, "scale must be > 0 and zero_point in 0...255") }
            activations[a.name] = q
        }
        for layer in model.layers {
            guard let q = activations[layer.name] else {
                throw bad("activations", "layer '\(layer.name)' has no entry (model changed since calibration?)")
            }
            switch layer.operation {
            case .maxpool, .upsample2x:
                let source = layer.inputs[0] == ModelFile.inputName ? input.parameters : activations[layer.inputs[0]]
                guard q == source else {
                    throw bad("activations '\(layer.name)'", "a \(layer.operation.opName) must keep its input's scale and zero point")
                }
            default: break
            }
        }

        let weightsPath = (directory as NSString).appendingPathComponent(d.weights.file)
        let tensors = try SafeTensors.load(path: weightsPath)
        var convs: [String: QuantizedConv] = [:]
        var expected: Set<String> = []
        for layer in model.layers {
            guard case .conv(let p) = layer.operation else { continue }
            let parts: [(String, SafeTensors.DType, [Int])] = [("weight", .i8, p.weightShape), ("bias", .i32, [p.outChannels]),
                                                               ("weight_scale", .f32, [p.outChannels])]
            for (suffix, dtype, shape) in parts {
                let name = "\(layer.name).\(suffix)"
                expected.insert(name)
                guard let info = tensors.info(name) else {
                    throw ModelError(.missingTensor, file: weightsPath, subject: "tensor '\(name)'",
                                     problem: "missing (conv layer '\(layer.name)' needs \(dtype.rawValue) \(shape))")
                }
                guard info.dtype == dtype, info.shape == shape else {
                    throw ModelError(.wrongTensor, file: weightsPath, subject: "tensor '\(name)'",
                                     problem: "is \(info.dtype.rawValue) \(info.shape), conv layer '\(layer.name)' needs \(dtype.rawValue) \(shape)")
                }
            }
            let scales = try tensors.floats("\(layer.name).weight_scale")
            guard scales.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw ModelError(.wrongTensor, file: weightsPath, subject: "tensor '\(layer.name).weight_scale'",
                                 problem: "every scale must be a finite number > 0")
            }
            convs[layer.name] = QuantizedConv(weights: try tensors.int8s("\(layer.name).weight"),
                                              bias: try tensors.int32s("\(layer.name).bias"), weightScales: scales)
        }
        if let extra = tensors.names.first(where: { !expected.contains($0) }) {
            throw ModelError(.extraTensor, file: weightsPath, subject: "tensor '\(extra)'",
                             problem: "is not used by any conv layer of \(model.yamlPath) (model changed since calibration?)")
        }
        // Last, so a damaged tensor is named above; this catches what shapes cannot (changed values,
        // the two files from different runs).
        let stored = try WeightsFingerprint.of(path: weightsPath, name: d.weights.file)
        let recorded = WeightsFingerprint(file: d.weights.file, bytes: d.weights.bytes, fnv1a64: d.weights.fnv1a64)
        guard stored == recorded else {
            throw ModelError(.badTensor, file: weightsPath,
                             problem: "is \(stored), \(yamlName) was written with \(recorded): run `facepipe quantize` again")
        }
        let calibration = CalibrationInfo(method: d.calibration.method, percentile: d.calibration.percentile,
                                          images: d.calibration.images, sourcesHash: d.calibration.sourcesFnv1a64,
                                          sources: d.calibration.sources)
        return Int8Model(input: input, activations: activations, convs: convs, calibration: calibration,
                         source: then, adjustments: d.adjustments)
    }
}

/// Problems with a model folder's int8 files as a whole (single files report ModelError).
enum Int8ModelError: Error, CustomStringConvertible, Equatable {
    case notCalibrated(directory: String)
    case stale(yamlPath: String, why: String)

    var description: String {
        switch self {
        case .notCalibrated(let dir):
            return "no int8 calibration in \(dir): run `facepipe quantize --model \(dir) --calib <training pictures>` "
                + "(or use --engine fp32)"
        case .stale(let path, let why):
            return "\(path): the model changed since calibration: \(why); run `facepipe quantize` again"
        }
    }
}

/// int8.yaml as written by `yamlText`.
struct Int8Description: Decodable {
    struct Fingerprint: Decodable {
        var file: String
        var bytes: Int
        var fnv1a64: String
    }
    struct Calibration: Decodable {
        var method: CalibrationMethod
        var percentile: Double?
        var images: Int
        var sources: String
        var sourcesFnv1a64: String
        enum CodingKeys: String, CodingKey { case method, percentile, images, sources, sourcesFnv1a64 = "sources_fnv1a64" }
    }
    struct Input: Decodable {
        var scale: Double
        var zeroPoint: Int32
        var direct: Bool
        enum CodingKeys: String, CodingKey { case scale, direct, zeroPoint = "zero_point" }
    }
    struct Activation: Decodable {
        var name: String
        var scale: Double
        var zeroPoint: Int32
        enum CodingKeys: String, CodingKey { case name, scale, zeroPoint = "zero_point" }
    }

    var format: String
    var model: String
    var weights: Fingerprint
    var fp32Weights: Fingerprint
    var calibration: Calibration
    var input: Input
    var activations: [Activation]
    var adjustments: [String]

    enum CodingKeys: String, CodingKey {
        case format, model, weights, calibration, input, activations, adjustments
        case fp32Weights = "fp32_weights"
    }
}
