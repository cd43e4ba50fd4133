import ArgumentParser
import Capture
import CFFmpeg
import Detector
import Engine
import FacepipeCore
import Foundation
import Resize

extension CalibrationMethod: ExpressibleByArgument {}

/// `facepipe quantize`: calibrate the int8 engine on training pictures and write
/// int8.yaml + int8.safetensors into the model folder, then report how far each layer and
/// the detections are from fp32.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Calibrate and quantise a model for the int8 engine (writes int8.yaml + int8.safetensors).",
        discussion: """
            Example:
              facepipe quantize --model Configs/models/ssh-lite \\
                --calib ../shared/data/train/caltech_webfaces --calib ../shared/data/train/eden_mask_wearing -n 200
            Calibration pictures must be training pictures: eval/ and photos/dlib_faces/ are refused.
            """)

    @Option(help: "Model folder (model.yaml + weights.safetensors); the int8 files are written there.")
    var model = "Configs/models/ssh-lite"

    @Option(help: "Calibration pictures: a folder (or a labels.jsonl) of TRAINING pictures. Repeatable.")
    var calib: [String] = []

    @Option(name: .short, help: "Number of calibration pictures, spread evenly over all given.")
    var n = 200

    // minmax by default: the rare large activations carry the face evidence; clipping them
    // cost detections on training pictures (see the report in README).
    @Option(help: "Activation range per tensor: minmax (full observed range) or percentile (tails clipped).")
    var method: CalibrationMethod = .minmax

    @Option(help: "Percentile kept on each tail for --method percentile.")
    var percentile = 99.999

    @Option(help: "Threads for the networks.")
    var engineThreads = 2

    @Option(help: "Pictures (the first calibration ones) for the per-layer error report and the detection comparison.")
    var compare = 8

    func validate() throws {
        guard !calib.isEmpty else { throw ValidationError("give --calib <folder of training pictures or labels.jsonl>") }
        guard n >= 1 else { throw ValidationError("-n must be at least 1") }
        guard percentile > 90, percentile < 100 else { throw ValidationError("--percentile must be in (90, 100)") }
        guard engineThreads >= 1 else { throw ValidationError("--engine-threads must be at least 1") }
        guard compare >= 0 else { throw ValidationError("--compare must be 0 or more") }
    }

    mutating func run() throws {
        FFmpegLog.route(level: .quiet, redaction: CredentialRedaction())  // facepipe's own messages say what failed
        let folder = Resources.resolve(model)
        let file = try ModelFile.load(directory: folder)
        let pictures = try CalibrationPictures.collect(calib, count: n)
        let rule = file.description.input
        let resizer = FrameResizer(maxShort: rule.maxShortSide, maxLong: rule.maxLongSide)
        let calibrator = Calibrator(model: file, method: method, percentile: percentile, threads: engineThreads)
        let frame = VideoFrame()
        var used: [String] = []
        var kept: [(path: String, image: RGBImage, width: Int, height: Int)] = []
        let start = monotonicNanoseconds()
        for path in pictures {
            let image = RGBImage()
            do {
                let source = try FFmpegSource(path)
                defer { source.close() }
                guard try source.read(into: frame) else { throw ValidationError("no picture could be decoded") }
                try resizer.resize(frame, into: image)
            } catch {
                note("quantize: skipping \(path): \(error)")
                continue
            }
            try calibrator.add(image)
            used.append(path)
            if kept.count < compare { kept.append((path, image, frame.width, frame.height)) }
            if used.count % 50 == 0 { note("quantize: \(used.count) of \(pictures.count) pictures") }
        }
        guard !used.isEmpty else { throw ValidationError("none of the \(pictures.count) pictures could be read") }
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        note("quantize: calibrated on \(used.count) pictures (\(method.rawValue)) in \(String(format: "%.1f", seconds)) s")

        let summary = Set(calib.map { URL(fileURLWithPath: $0).standardizedFileURL.lastPathComponent }).sorted().joined(separator: ", ")
        let quantized = try calibrator.quantize(sources: used, summary: summary)
        try quantized.write(directory: folder, model: file)
        print("wrote \(folder)/\(Int8Model.yamlName) and \(Int8Model.weightsName)")
        for a in quantized.adjustments { print("adjusted: \(a)") }

        // Read back what was written, so the report is about the files, not the memory.
        let loaded = try Int8Model.load(directory: folder, model: file)
        guard !kept.isEmpty else { return }
        let comparison = Int8Comparison(model: file, quantized: loaded, threads: engineThreads)
        for k in kept { try comparison.add(k.image) }
        print("per-layer error of int8 vs fp32 on \(comparison.imageCount) calibration pictures (ISA \(try KernelISA.selected())):")
        for layer in comparison.layers { print("  \(layer)") }

        let fp32 = try FaceDetector(model: file, backend: FP32Backend(model: file, threads: engineThreads))
        let int8 = try FaceDetector(model: file, backend: Int8Backend(model: file, quantized: loaded, threads: engineThreads))
        var agreement = DetectionAgreement()
        for k in kept {
            var a: [Detection] = [], b: [Detection] = []
            try fp32.detect(k.image, sourceWidth: k.width, sourceHeight: k.height, into: &a)
            try int8.detect(k.image, sourceWidth: k.width, sourceHeight: k.height, into: &b)
            agreement.add(reference: a, other: b, iou: 0.8)
        }
        print("detections at IoU > 0.8: \(agreement.summary)")
    }
}
