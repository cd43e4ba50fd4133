import Foundation
import FacepipeCore
import TestSupport
@testable import Engine

/// Models, pictures and references for the int8 tests.
enum Int8TestModels {
    /// A model held in memory with random conv weights (as TestModels.make), with its own input
    /// normalisation so both input paths (direct copy, requantising table) can be tested.
    static func make(_ layers: String, mean: Float = 128, std: Float = 128, seed: UInt64 = 1) throws -> ModelFile {
        let header = """
            format: facepipe-ssh/1
            name: int8-unit
            weights: weights.safetensors
            input: {channels: rgb, mean: [\(mean), \(mean), \(mean)], std: [\(std), \(std), \(std)], max_short_side: 400, max_long_side: 800, pad_multiple: 1}
            layers:

            """
        let description = try StrictYAML.decode(ModelDescription.self, from: header + layers, file: "unit.yaml")
        var random = SeededRandom(seed: seed)
        var writer = SafeTensorsWriter()
        for layer in try ModelFile.checkedGraphOnly(description) {
            guard case .conv(let p) = layer.operation else { continue }
            let fanIn = Float(p.inChannels / p.groups * p.kernel * p.kernel)
            let scale = (2 / fanIn).squareRoot()
            writer.add("\(layer.name).weight", random.floats(p.weightShape.reduce(1, *)).map { $0 * scale }, shape: p.weightShape)
            writer.add("\(layer.name).bias", random.floats(p.outChannels).map { $0 * 0.1 }, shape: [p.outChannels])
        }
        // On disk, like a real model folder: the quantiser fingerprints the weights file.
        let folder = try TestPaths.scratch("int8-model")
        try writer.write(to: folder.appendingPathComponent("weights.safetensors").path)
        try (header + layers).write(to: folder.appendingPathComponent("model.yaml"), atomically: true, encoding: .utf8)
        return try ModelFile.load(directory: folder.path)
    }

    /// A picture of random bytes.
    static func randomImage(width: Int, height: Int, seed: UInt64) -> RGBImage {
        let image = RGBImage(width: width, height: height)
        var random = SeededRandom(seed: seed)
        for y in 0..<height {
            for x in 0..<(3 * width) { image.pixels[y * image.stride + x] = UInt8(truncatingIfNeeded: random.next() >> 56) }
        }
        return image
    }

    /// A real photo decoded and scaled by the ffmpeg CLI to `width` x `height` RGB.
    static func photo(_ relative: String, width: Int, height: Int) throws -> RGBImage {
        let path = TestPaths.data(relative).path
        let tmp = try TestPaths.scratch("int8-photo").appendingPathComponent("p.rgb").path
        try runTool("ffmpeg", ["-v", "error", "-y", "-i", path, "-vf", "scale=\(width):\(height)",
                               "-f", "rawvideo", "-pix_fmt", "rgb24", tmp])
        let data = try Data(contentsOf: URL(fileURLWithPath: tmp))
        precondition(data.count == width * height * 3, "ffmpeg gave \(data.count) bytes")
        let image = RGBImage(width: width, height: height)
        data.withUnsafeBytes { raw in
            for y in 0..<height {
                (image.pixels + y * image.stride).update(from: raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + y * width * 3,
                                                         count: width * 3)
            }
        }
        return image
    }

    /// Training photos (never eval/): calibration and comparison pictures.
    static let trainingPhotos = [
        "train/caltech_webfaces/images/pic00231.jpg", "train/caltech_webfaces/images/pic00241.jpg",
        "train/caltech_webfaces/images/pic00341.jpg", "train/eden_mask_wearing/images/eden_00000001.jpg",
    ]

    /// Calibrates on `images` and returns the quantised model.
    static func quantize(_ model: ModelFile, images: [RGBImage], method: CalibrationMethod = .minmax) throws -> Int8Model {
        let calibrator = Calibrator(model: model, method: method)
        for image in images { try calibrator.add(image) }
        return try calibrator.quantize(sources: images.indices.map { "image\($0)" }, summary: "test")
    }
}

/// The fp32 result of every layer of the int8 network, computed from the int8 network's own
/// dequantised inputs and dequantised int8 weights: what each int8 operator should produce up
/// to its output rounding.
enum Int8LayerReference {
    static func expected(_ layer: Layer, net: Int8Network) throws -> [Float] {
        let q = net.quantized
        let ins = try layer.inputs.map { try net.dequantized(named: $0) }
        let shapes = layer.inputs.map { net.plan.shape(of: $0)! }
        switch layer.operation {
        case .conv(let p):
            let c = q.convs[layer.name]!
            let sx = q.activation(layer.inputs[0])!.scale
            let perOut = c.weights.count / p.outChannels
            let w = c.weights.enumerated().map { Float($0.element) * c.weightScales[$0.offset / perOut] }
            let b = c.bias.enumerated().map { Float(Double($0.element) * sx * Double(c.weightScales[$0.offset])) }
            return NaiveReference.conv(ins[0], shapes[0], weight: w, bias: b, p)
        case .maxpool(let p):
            return NaiveReference.maxpool(ins[0], shapes[0], kernel: p.kernel, stride: p.stride, pad: p.pad)
        case .upsample2x:
            return NaiveReference.upsample2x(ins[0], shapes[0])
        case .add(let relu):
            return zip(ins[0], ins[1]).map { relu ? max($0 + $1, 0) : $0 + $1 }
        case .concat(let relu):
            return ins.joined().map { relu ? max($0, 0) : $0 }
        }
    }

    /// Largest |int8 - reference| over the layer, in output steps, with the reference clamped to
    /// the output grid (values beyond the calibrated range saturate by design).
    static func errorInSteps(_ layer: Layer, net: Int8Network) throws -> Double {
        let grid = net.quantized.activations[layer.name]!
        let out = try net.dequantized(named: layer.name)
        let ref = try expected(layer, net: net)
        precondition(out.count == ref.count)
        var worst = 0.0
        for i in out.indices {
            let r = min(max(Double(ref[i]), grid.range.lowerBound), grid.range.upperBound)
            worst = max(worst, abs(Double(out[i]) - r) / grid.scale)
        }
        return worst
    }
}

/// sqrt(sum (a - b)^2 / sum b^2).
func relativeL2(_ a: [Float], _ b: UnsafeBufferPointer<Float>) -> Double {
    var s = 0.0, n = 0.0
    for i in 0..<a.count {
        let r = Double(b[i]); s += r * r; n += (Double(a[i]) - r) * (Double(a[i]) - r)
    }
    return (n / max(s, 1e-30)).squareRoot()
}
