import Detector
import Evaluation
import FacepipeCore
import Foundation

/// `facepipe eval`: detection AP on labelled photo sets, for each engine, in one run; optionally
/// writes the detections for Tools/eval.py to re-score (WIDER folders, JSON Lines).
public struct DetectionEvaluation {
    var detector: DetectorChoice
    /// Empty: fp32, and int8 too when the model has an int8 calibration.
    var engines: [EngineKind]
    var iou: [Float]
    /// Low, so the whole precision/recall curve is seen.
    var evalScore: Float
    var wider: String?
    var jsonl: String?

    public init(detector: DetectorChoice, engines: [EngineKind], iou: [Float], evalScore: Float,
                wider: String?, jsonl: String?) {
        self.detector = detector
        self.engines = engines
        self.iou = iou
        self.evalScore = evalScore
        self.wider = wider
        self.jsonl = jsonl
    }

    /// Scores every `labels.jsonl` in `data` with each engine.
    public func run(data: [String]) throws -> DetectionEvaluationReport {
        var chosen = engines
        if chosen.isEmpty {
            chosen = [.fp32]
            if (try? detector.makeDetector(engine: .int8)) != nil { chosen.append(.int8) }
        }
        let sets = try data.map { path in (path: path, labels: try LabelsFile.load(path)) }
        var rows: [DetectionEvaluationReport.Row] = []
        var shipped: Float = 0
        for engine in chosen {
            let detector = try detector.makeDetector(engine: engine)
            shipped = detector.settings.scoreThreshold  // the model's own, Configs/detector.yaml's or --score
            detector.settings.scoreThreshold = evalScore
            let reader = PictureReader(maxShort: detector.maxSides.short, maxLong: detector.maxSides.long)
            let image = RGBImage()
            for set in sets {
                let root = (set.path as NSString).deletingLastPathComponent
                let name = Self.setName(set.path)
                var all: [[Detection]] = []
                var lines: [String] = []
                var networkNanoseconds: UInt64 = 0
                for label in set.labels {
                    let path = (root as NSString).appendingPathComponent(label.image)
                    guard try reader.read(path, into: image) else { throw BadRequest("\(path): no picture could be decoded") }
                    let frame = reader.frame
                    var dets: [Detection] = []
                    let t0 = monotonicNanoseconds()
                    try detector.detect(image, sourceWidth: frame.width, sourceHeight: frame.height, into: &dets)
                    networkNanoseconds += monotonicNanoseconds() - t0
                    all.append(dets)
                    if let wider {
                        try DetectionFiles.writeWider(folder: "\(wider)/\(engine.rawValue)/\(name)", image: label.image, detections: dets)
                    }
                    lines.append(DetectionFiles.jsonLine(image: label.image, detections: dets))
                }
                if let jsonl {
                    try FileManager.default.createDirectory(atPath: jsonl, withIntermediateDirectories: true)
                    try (lines.joined(separator: "\n") + "\n").write(toFile: "\(jsonl)/\(engine.rawValue)-\(name).jsonl",
                                                                     atomically: true, encoding: .utf8)
                }
                let results = iou.map {
                    AveragePrecision.evaluate(labels: set.labels, detections: all, iou: $0, operatingScore: shipped)
                }
                rows.append(.init(set: name, engine: engine, images: set.labels.count, results: results,
                                  ms: Double(networkNanoseconds) / 1e6 / Double(max(1, set.labels.count))))
            }
        }
        return DetectionEvaluationReport(rows: rows, engines: chosen, iou: iou, threshold: shipped)
    }

    /// "eden_mask_wearing" for .../eden_mask_wearing/labels.jsonl, "dlib_faces-testing" for testing_labels.jsonl.
    static func setName(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().lastPathComponent
        let stem = url.deletingPathExtension().lastPathComponent
        let extra = stem == "labels" ? "" : "-" + stem.replacingOccurrences(of: "_labels", with: "")
        return folder + extra
    }
}
