import Testing
import Foundation
import TestSupport
import Engine
import FacepipeCore
@testable import Detector

/// The int8 backend in the detector, on the shipped model and real training photos.
@Suite struct Int8BackendTests {
    static let modelFolder = TestPaths.repo("Configs/models/ssh-lite").path

    /// A training photo scaled by the model's resize rule with the ffmpeg CLI.
    static func photo(_ relative: String) throws -> (image: RGBImage, width: Int, height: Int) {
        let path = TestPaths.data(relative).path
        let probe = try runTool("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                                            "-of", "csv=p=0", path]).stdout
        let size = probe.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").compactMap { Int($0) }
        let (w, h) = (size[0], size[1])
        let scale = min(1, 400 / Double(min(w, h)), 800 / Double(max(w, h)))
        let (nw, nh) = (Int((Double(w) * scale).rounded()), Int((Double(h) * scale).rounded()))
        let tmp = try TestPaths.scratch("int8-backend").appendingPathComponent("p.rgb").path
        try runTool("ffmpeg", ["-v", "error", "-y", "-i", path, "-vf", "scale=\(nw):\(nh)", "-f", "rawvideo", "-pix_fmt", "rgb24", tmp])
        let data = try Data(contentsOf: URL(fileURLWithPath: tmp))
        let image = RGBImage(width: nw, height: nh)
        data.withUnsafeBytes { raw in
            for y in 0..<nh {
                (image.pixels + y * image.stride).update(from: raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + y * nw * 3,
                                                         count: nw * 3)
            }
        }
        image.scaleX = Float(w) / Float(nw)
        image.scaleY = Float(h) / Float(nh)
        return (image, w, h)
    }

    static let calibrationPhotos = [
        "train/caltech_webfaces/images/pic00231.jpg", "train/caltech_webfaces/images/pic00341.jpg",
        "train/caltech_webfaces/images/pic02066.jpg", "train/caltech_webfaces/images/pic04766.jpg",
        "train/eden_mask_wearing/images/eden_00000124.jpg", "train/eden_mask_wearing/images/eden_00000247.jpg",
        "train/eden_mask_wearing/images/eden_00000374.jpg", "train/eden_mask_wearing/images/eden_00000003.jpg",
    ]
    static let testPhoto = "train/caltech_webfaces/images/pic00241.jpg"

    /// Quantised on eight training photos, the int8 detector finds what fp32 finds on a fourth
    /// photo and on a calibration photo: every fp32 detection scoring 0.7 or more has an int8
    /// detection at IoU > 0.8 (one-to-one, best score first), and so do 90% of all of them
    /// (those just above the score threshold may fall just below it in int8, and vice versa).
    @Test func detectionsMatchFP32() throws {
        let model = try ModelFile.load(directory: Self.modelFolder)
        let calibrator = Calibrator(model: model, method: .percentile, threads: 2)
        for p in Self.calibrationPhotos { try calibrator.add(try Self.photo(p).image) }
        let quantized = try calibrator.quantize(sources: Self.calibrationPhotos, summary: "test")
        let fp32 = try FaceDetector(model: model, backend: FP32Backend(model: model, threads: 2))
        let int8 = try FaceDetector(model: model, backend: Int8Backend(model: model, quantized: quantized, threads: 2))
        for p in [Self.testPhoto, Self.calibrationPhotos[7]] {
            let (image, w, h) = try Self.photo(p)
            var a: [Detection] = [], b: [Detection] = []
            try fp32.detect(image, sourceWidth: w, sourceHeight: h, into: &a)
            try int8.detect(image, sourceWidth: w, sourceHeight: h, into: &b)
            #expect(!a.isEmpty, "fp32 finds faces in \(p)")
            var free = b
            var matched = 0
            for d in a.sorted(by: { $0.score > $1.score }) {
                let best = free.indices.max { free[$0].box.iou(d.box) < free[$1].box.iou(d.box) }
                if let best, free[best].box.iou(d.box) > 0.8 {
                    free.remove(at: best)
                    matched += 1
                } else if d.score >= 0.7 {
                    Issue.record("\(p): fp32 detection \(d) has no int8 match at IoU > 0.8")
                }
            }
            #expect(Double(matched) >= 0.9 * Double(a.count), "\(p): \(matched) of \(a.count) fp32 detections matched")
            #expect(abs(a.count - b.count) <= max(1, a.count / 10), "\(p): fp32 \(a.count) vs int8 \(b.count) detections")
        }
    }

    /// The int8 calibration shipped beside the model belongs to it (a re-exported model without
    /// a new `facepipe quantize` fails here) and finds what fp32 finds on a training photo:
    /// every fp32 detection scoring 0.6 or more within IoU 0.8, the count within one.
    @Test func shippedCalibrationMatchesTheModel() throws {
        let model = try ModelFile.load(directory: Self.modelFolder)
        let backend = try Int8Backend.load(modelDirectory: Self.modelFolder, model: model, threads: 2)
        #expect(backend.quantized.calibration.images == 400)  // facepipe quantize -n 400 (model card)
        #expect(backend.quantized.calibration.sources.contains("caltech_webfaces"))
        let fp32 = try FaceDetector(model: model, backend: FP32Backend(model: model, threads: 2))
        let int8 = try FaceDetector(model: model, backend: backend)
        let (image, w, h) = try Self.photo(Self.testPhoto)
        var a: [Detection] = [], b: [Detection] = []
        try fp32.detect(image, sourceWidth: w, sourceHeight: h, into: &a)
        try int8.detect(image, sourceWidth: w, sourceHeight: h, into: &b)
        #expect(!a.isEmpty)
        #expect(abs(a.count - b.count) <= 1, "fp32 \(a.count) vs int8 \(b.count) detections")
        // Clear of the 0.5 threshold (one just above it may fall just below in int8).
        for d in a where d.score >= 0.6 {
            #expect(b.contains { $0.box.iou(d.box) > 0.8 }, "fp32 detection \(d) has no int8 match at IoU > 0.8")
        }
    }

    @Test func missingCalibrationIsAClearError() throws {
        let folder = try TestPaths.scratch("int8-backend-none")
        for f in ["model.yaml", "weights.safetensors"] {
            try FileManager.default.copyItem(atPath: Self.modelFolder + "/" + f, toPath: folder.appendingPathComponent(f).path)
        }
        let model = try ModelFile.load(directory: folder.path)
        do {
            _ = try Int8Backend.load(modelDirectory: folder.path, model: model, threads: 1)
            Issue.record("loading without int8 files must fail")
        } catch {
            #expect("\(error)".contains("no int8 calibration in \(folder.path)"), "\(error)")
            #expect("\(error)".contains("facepipe quantize"), "\(error)")
        }
    }

    @Test func labelNamesTheISA() throws {
        let model = try ModelFile.load(directory: Self.modelFolder)
        let calibrator = Calibrator(model: model, method: .minmax)
        try calibrator.add(try Self.photo(Self.testPhoto).image)
        let backend = try Int8Backend(model: model, quantized: try calibrator.quantize(sources: ["x"], summary: "test"), threads: 3)
        #expect(backend.label == "int8 (\(try KernelISA.selected()), 3 threads)")
    }
}
