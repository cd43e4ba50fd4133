import ArgumentParser
import Capture
import CFFmpeg
import Detector
import Evaluation
import FacepipeCore
import Foundation
import Resize

/// `facepipe eval`: detection AP on labelled photos, for each engine, in one run.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Average precision of the detector on a labels.jsonl set (ignore regions honoured).",
        discussion: """
            Scoring follows ../shared/data/eval/README.md: greedy matching in score order, detections on
            ignore regions are neither true nor false positives, dlib-style flagged boxes leave scoring
            with their match; AP is VOC all-points. The same rule is in Tools/eval.py, which can
            re-score the files written by --wider or --jsonl.
            """)

    @Option(name: .customLong("data"), help: "labels.jsonl of a labelled set (repeatable).")
    var data: [String]

    @OptionGroup var modelOptions: ModelOptions

    @Option(parsing: .upToNextOption, help: "Engines to compare in this run (default: fp32 and int8 when the model has an int8 calibration).")
    var engines: [EngineKind] = []

    @Option(parsing: .upToNextOption, help: "IoU thresholds.")
    var iou: [Float] = [0.5, 0.3]

    @Option(help: "Score threshold for evaluation (low, so the whole precision/recall curve is seen).")
    var evalScore: Float = 0.02

    @Option(help: "Write WIDER-format detection files under this folder (<folder>/<engine>/<set>/...).")
    var wider: String?

    @Option(help: "Write detections as JSONL files in this folder (<engine>-<set>.jsonl).")
    var jsonl: String?

    mutating func run() throws {
        av_log_set_level(AV_LOG_ERROR)
        var chosen = engines
        if chosen.isEmpty {
            chosen = [.fp32]
            if (try? modelOptions.makeDetector(engine: .int8)) != nil { chosen.append(.int8) }
        }
        let sets = try data.map { path in (path: path, labels: try LabelsFile.load(path)) }
        var table: [Row] = []
        var shipped: Float = 0
        for engine in chosen {
            let detector = try modelOptions.makeDetector(engine: engine)
            shipped = detector.settings.scoreThreshold  // the model's own, Configs/detector.yaml's or --score
            detector.settings.scoreThreshold = evalScore
            let resizer = FrameResizer(maxShort: detector.maxSides.short, maxLong: detector.maxSides.long)
            let frame = VideoFrame(), image = RGBImage()
            for set in sets {
                let root = (set.path as NSString).deletingLastPathComponent
                let name = setName(set.path)
                var all: [[Detection]] = []
                var lines: [String] = []
                var networkNanoseconds: UInt64 = 0
                for label in set.labels {
                    let path = (root as NSString).appendingPathComponent(label.image)
                    let source = try FFmpegSource(path)
                    defer { source.close() }
                    guard try source.read(into: frame) else { throw ValidationError("\(path): no picture could be decoded") }
                    try resizer.resize(frame, into: image)
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
                table.append(Row(set: name, engine: engine, images: set.labels.count, results: results,
                                 ms: Double(networkNanoseconds) / 1e6 / Double(max(1, set.labels.count))))
            }
        }
        printTable(table, engines: chosen)
        printOperatingPoints(table, threshold: shipped)
    }

    /// "eden_mask_wearing" for .../eden_mask_wearing/labels.jsonl, "dlib_faces-testing" for testing_labels.jsonl.
    private func setName(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().lastPathComponent
        let stem = url.deletingPathExtension().lastPathComponent
        let extra = stem == "labels" ? "" : "-" + stem.replacingOccurrences(of: "_labels", with: "")
        return folder + extra
    }

    private func printTable(_ rows: [Row], engines: [EngineKind]) {
        let header = "set".padding(toLength: 20, withPad: " ", startingAt: 0) + " engine images  faces"
            + iou.map { String(format: "AP@%.2g", $0).leftPad(9) }.joined() + "     TP     FP  ms/img"
        print(header)
        for r in rows {
            print(r.set.padding(toLength: 20, withPad: " ", startingAt: 0) + " " + r.engine.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
                  + String(format: "%7d %6d", r.images, r.results.first?.faces ?? 0)
                  + r.results.map { String(format: "%9.2f", $0.ap * 100) }.joined()
                  + String(format: " %6d %6d %7.1f", r.results.first?.truePositives ?? 0, r.results.first?.falsePositives ?? 0, r.ms))
        }
        guard engines.contains(.fp32) && engines.contains(.int8) else { return }
        for set in Set(rows.map(\.set)).sorted() {
            guard let a = rows.first(where: { $0.set == set && $0.engine == .fp32 }),
                  let b = rows.first(where: { $0.set == set && $0.engine == .int8 }) else { continue }
            let deltas = zip(a.results, b.results).map { String(format: "%+.2f", ($1.ap - $0.ap) * 100) }
            print("\(set): int8 - fp32 AP points at IoU \(iou.map { String(format: "%.2g", $0) }.joined(separator: "/")): \(deltas.joined(separator: " / "))")
        }
    }
}

extension EvalCommand {
    /// What a user meets: precision and recall of the boxes at the threshold the detector runs at.
    private func printOperatingPoints(_ rows: [Row], threshold: Float) {
        print("\nat the detector's score threshold \(String(format: "%.2f", threshold)) (Configs/detector.yaml, the model's own, or --score):")
        print("set".padding(toLength: 20, withPad: " ", startingAt: 0) + " engine"
              + iou.map { String(format: "  P@%.2g    R@%.2g", $0, $0) }.joined() + "  boxes")
        for r in rows {
            let cells = r.results.map { res -> String in
                guard let op = res.operatingPoint else { return "       -       -" }
                return String(format: " %6.2f%% %6.2f%%", op.precision * 100, op.recall * 100)
            }
            let boxes = r.results.first?.operatingPoint.map { $0.truePositives + $0.falsePositives } ?? 0
            print(r.set.padding(toLength: 20, withPad: " ", startingAt: 0) + " " + r.engine.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
                  + cells.joined() + String(format: " %6d", boxes))
        }
    }
}

struct Row {
    var set: String
    var engine: EngineKind
    var images: Int
    var results: [APResult]
    var ms: Double
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
