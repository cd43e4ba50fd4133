import Detector
import Engine
import FacepipeCore
import Foundation

/// `facepipe quantize`: calibrate the int8 engine on training pictures, write int8.yaml +
/// int8.safetensors into the model folder, then report how far each layer and the detections
/// are from fp32 (read back from the files written, so the report is about the files).
public struct ModelQuantization {
    var model: String
    /// Folders or labels.jsonl files of TRAINING pictures.
    var calibration: [String]
    var count: Int
    var method: CalibrationMethod
    var percentile: Double
    var threads: Int
    /// Pictures (the first calibration ones) for the per-layer error report and the detection comparison.
    var compare: Int

    public init(model: String, calibration: [String], count: Int, method: CalibrationMethod, percentile: Double,
                threads: Int, compare: Int) {
        self.model = model
        self.calibration = calibration
        self.count = count
        self.method = method
        self.percentile = percentile
        self.threads = threads
        self.compare = compare
    }

    /// `report` receives the lines of the report (stdout), `progress` the notes on the way (stderr).
    public func run(report: (String) -> Void, progress: (String) -> Void) throws {
        let folder = Resources.resolve(model)
        let file = try ModelFile.load(directory: folder)
        let pictures = try CalibrationPictures.collect(calibration, count: count)
        let rule = file.description.input
        let reader = PictureReader(maxShort: rule.maxShortSide, maxLong: rule.maxLongSide)
        let calibrator = Calibrator(model: file, method: method, percentile: percentile, threads: threads)
        var used: [String] = []
        var kept: [(path: String, image: RGBImage, width: Int, height: Int)] = []
        let start = monotonicNanoseconds()
        for path in pictures {
            let image = RGBImage()
            do {
                guard try reader.read(path, into: image) else { throw BadRequest("no picture could be decoded") }
            } catch {
                progress("quantize: skipping \(path): \(error)")
                continue
            }
            try calibrator.add(image)
            used.append(path)
            if kept.count < compare { kept.append((path, image, reader.frame.width, reader.frame.height)) }
            if used.count % 50 == 0 { progress("quantize: \(used.count) of \(pictures.count) pictures") }
        }
        guard !used.isEmpty else { throw BadRequest("none of the \(pictures.count) pictures could be read") }
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        progress("quantize: calibrated on \(used.count) pictures (\(method.rawValue)) in \(String(format: "%.1f", seconds)) s")

        let summary = Set(calibration.map { URL(fileURLWithPath: $0).standardizedFileURL.lastPathComponent }).sorted()
            .joined(separator: ", ")
        let quantized = try calibrator.quantize(sources: used, summary: summary)
        try quantized.write(directory: folder, model: file)
        report("wrote \(folder)/\(Int8Model.yamlName) and \(Int8Model.weightsName)")
        for a in quantized.adjustments { report("adjusted: \(a)") }

        let loaded = try Int8Model.load(directory: folder, model: file)
        guard !kept.isEmpty else { return }
        let comparison = Int8Comparison(model: file, quantized: loaded, threads: threads)
        for k in kept { try comparison.add(k.image) }
        report("per-layer error of int8 vs fp32 on \(comparison.imageCount) calibration pictures (ISA \(try KernelISA.selected())):")
        for layer in comparison.layers { report("  \(layer)") }

        let fp32 = try FaceDetector(model: file, backend: FP32Backend(model: file, threads: threads))
        let int8 = try FaceDetector(model: file, backend: Int8Backend(model: file, quantized: loaded, threads: threads))
        var agreement = DetectionAgreement()
        for k in kept {
            var a: [Detection] = [], b: [Detection] = []
            try fp32.detect(k.image, sourceWidth: k.width, sourceHeight: k.height, into: &a)
            try int8.detect(k.image, sourceWidth: k.width, sourceHeight: k.height, into: &b)
            agreement.add(reference: a, other: b, iou: 0.8)
        }
        report("detections at IoU > 0.8: \(agreement.summary)")
    }
}
