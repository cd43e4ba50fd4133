import Foundation
import Evaluation

/// How `eval-track` prints its results: a fixed-width table for people, or one JSON
/// document for scripts (Tools/track_benchmark.py reads it).
public struct TrackEvaluationReport {
    var results: [TrackVideoResult]
    var model: String
    var engine: String
    var detectEvery: Int
    var trackerConfig: String
    var iouThreshold: Float
    /// Other tracker settings scored on the same detections (`--compare-tracker-config`).
    var comparisons: [Comparison] = []

    public init(results: [TrackVideoResult], model: String, engine: String, detectEvery: Int, trackerConfig: String,
                iouThreshold: Float, comparisons: [Comparison] = []) {
        self.results = results
        self.model = model
        self.engine = engine
        self.detectEvery = detectEvery
        self.trackerConfig = trackerConfig
        self.iouThreshold = iouThreshold
        self.comparisons = comparisons
    }

    public struct Comparison {
        var trackerConfig: String
        /// In the order of `results`.
        var scores: [TrackingScores]
        public init(trackerConfig: String, scores: [TrackingScores]) {
            self.trackerConfig = trackerConfig
            self.scores = scores
        }
        var overall: TrackingScores { .total(scores) }
    }

    var overall: TrackingScores { .total(results.map(\.scores)) }

    // MARK: Table

    public var table: String {
        let nameWidth = max(8, results.map { ($0.video as NSString).lastPathComponent.count }.max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func pct(_ x: Double) -> String { String(format: "%6.1f", 100 * x) }
        func row(_ name: String, _ s: TrackingScores) -> String {
            pad(name, nameWidth) + String(format: " %6d %6d", s.frames, s.groundTruthBoxes)
                + " " + pct(s.mota) + String(format: " %5.3f", s.motp) + " " + pct(s.idf1) + " " + pct(s.idPrecision)
                + " " + pct(s.idRecall)
                + String(format: " %5d %5d %5d %5d %4d/%d/%d", s.idSwitches, s.fragmentations, s.falsePositives,
                         s.misses, s.mostlyTracked, s.mostlyLost, s.groundTruthTracks)
        }
        func block(_ trackerConfig: String, _ scores: [TrackingScores], _ total: TrackingScores) -> [String] {
            var lines = ["tracking quality: \(model) (\(engine)), detect every \(detectEvery), \(trackerConfig), "
                         + "match at IoU >= \(iouThreshold)",
                         pad("video", nameWidth) + " frames     GT   MOTA  MOTP   IDF1    IDP    IDR  IDsw  Frag    FP    FN MT/ML/tracks"]
            for (r, s) in zip(results, scores) { lines.append(row((r.video as NSString).lastPathComponent, s)) }
            if results.count > 1 { lines.append(row("overall", total)) }
            return lines
        }
        var lines = block(trackerConfig, results.map(\.scores), overall)
        for c in comparisons {
            lines.append("")
            lines += block(c.trackerConfig + " (same detections, replayed)", c.scores, c.overall)
        }
        return lines.joined(separator: "\n")
    }

    // MARK: JSON

    struct Document: Encodable {
        var format = "facepipe-track-eval"
        var version = 1
        var model: String
        var engine: String
        var detectEvery: Int
        var trackerConfig: String
        var iouThreshold: Float
        var videos: [Video]
        var overall: Scores
        var compared: [ComparedRun]?

        enum CodingKeys: String, CodingKey {
            case format, version, model, engine, videos, overall, compared
            case detectEvery = "detect_every", trackerConfig = "tracker_config", iouThreshold = "iou_threshold"
        }
    }

    struct Video: Encodable {
        var video: String
        var truth: String
        var width: Int
        var height: Int
        var wallSeconds: Double
        var framesPerSecond: Double
        var scores: Scores

        enum CodingKeys: String, CodingKey {
            case video, truth, width, height, scores
            case wallSeconds = "wall_seconds", framesPerSecond = "frames_per_second"
        }
    }

    struct ComparedRun: Encodable {
        var trackerConfig: String
        var videos: [ComparedVideo]
        var overall: Scores
        enum CodingKeys: String, CodingKey { case videos, overall, trackerConfig = "tracker_config" }
    }

    struct ComparedVideo: Encodable {
        var video: String
        var scores: Scores
    }

    /// `TrackingScores` under stable snake_case names (the schema the README documents).
    struct Scores: Encodable {
        let s: TrackingScores

        enum CodingKeys: String, CodingKey {
            case frames, mota, motp, idf1, idp, idr, matches, fragmentations
            case groundTruthBoxes = "gt_boxes", predictedBoxes = "predicted_boxes"
            case falseNegatives = "false_negatives", falsePositives = "false_positives", idSwitches = "id_switches"
            case idTruePositives = "id_true_positives", idFalsePositives = "id_false_positives"
            case idFalseNegatives = "id_false_negatives"
            case groundTruthTracks = "gt_tracks", mostlyTracked = "mostly_tracked", mostlyLost = "mostly_lost"
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(s.frames, forKey: .frames)
            try c.encode(s.mota, forKey: .mota)
            try c.encode(s.motp, forKey: .motp)
            try c.encode(s.idf1, forKey: .idf1)
            try c.encode(s.idPrecision, forKey: .idp)
            try c.encode(s.idRecall, forKey: .idr)
            try c.encode(s.matches, forKey: .matches)
            try c.encode(s.fragmentations, forKey: .fragmentations)
            try c.encode(s.groundTruthBoxes, forKey: .groundTruthBoxes)
            try c.encode(s.predictedBoxes, forKey: .predictedBoxes)
            try c.encode(s.misses, forKey: .falseNegatives)
            try c.encode(s.falsePositives, forKey: .falsePositives)
            try c.encode(s.idSwitches, forKey: .idSwitches)
            try c.encode(s.idTruePositives, forKey: .idTruePositives)
            try c.encode(s.idFalsePositives, forKey: .idFalsePositives)
            try c.encode(s.idFalseNegatives, forKey: .idFalseNegatives)
            try c.encode(s.groundTruthTracks, forKey: .groundTruthTracks)
            try c.encode(s.mostlyTracked, forKey: .mostlyTracked)
            try c.encode(s.mostlyLost, forKey: .mostlyLost)
        }
    }

    var document: Document {
        Document(model: model, engine: engine, detectEvery: detectEvery, trackerConfig: trackerConfig,
                 iouThreshold: iouThreshold,
                 videos: results.map {
                     Video(video: $0.video, truth: $0.truth, width: $0.width, height: $0.height,
                           wallSeconds: $0.wallSeconds, framesPerSecond: $0.framesPerSecond, scores: Scores(s: $0.scores))
                 },
                 overall: Scores(s: overall),
                 compared: comparisons.isEmpty ? nil : comparisons.map { c in
                     ComparedRun(trackerConfig: c.trackerConfig,
                                 videos: zip(results, c.scores).map { ComparedVideo(video: $0.video, scores: Scores(s: $1)) },
                                 overall: Scores(s: c.overall))
                 })
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }
}
