import FacepipeCore

/// AP at one IoU threshold on a labelled set, with the rule of ../shared/data/eval/README.md.
/// Mirrors Tools/facetools/evaluation/labelled_ap.py (`evaluate_ap`), so the two cross-check each other:
/// greedy matching in score order; a detection takes the unmatched scored face with the highest
/// IoU >= threshold (TP), else an unmatched ignore-flagged box (dropped); an unmatched detection
/// on an ignore region (IoU >= 0.3, or >= 50 % of its area inside) is dropped, otherwise FP.
/// AP is VOC all-points over precision/recall taken at each distinct score.
public struct APResult: Sendable {
    public var iou: Float
    public var ap: Double
    public var faces: Int
    public var detections: Int
    public var truePositives: Int
    public var falsePositives: Int
    var droppedByRegion: Int
    var droppedByFlag: Int
    /// Precision and recall of the detections at or above a score: what a user sees at the
    /// threshold the detector ships with (AP alone hides it). Nil unless asked for.
    public var operatingPoint: OperatingPoint?
}

public struct OperatingPoint: Sendable {
    public var threshold: Float
    public var truePositives: Int
    public var falsePositives: Int
    public var precision: Double { Double(truePositives) / Double(max(truePositives + falsePositives, 1)) }
    public var recall: Double
}

public enum MatchOutcome: Int8, Sendable { case falsePositive = 0, truePositive = 1, droppedByFlag = -1, droppedByRegion = -2 }

public enum AveragePrecision {
    static let regionIoU: Float = 0.3
    static let regionInside: Float = 0.5

    /// Outcome for each detection of one image; `detections` must be in descending score order.
    public static func match(_ detections: [Detection], _ label: LabelledImage, iou threshold: Float) -> [MatchOutcome] {
        var taken = [Bool](repeating: false, count: label.boxes.count)
        return detections.map { det in
            for wantScored in [true, false] {
                var best = -1, bestIoU: Float = -1
                for (k, box) in label.boxes.enumerated() where label.scored[k] == wantScored && !taken[k] {
                    let v = det.box.iou(box)
                    if v > bestIoU { bestIoU = v; best = k }
                }
                if best >= 0 && bestIoU >= threshold {
                    taken[best] = true
                    return wantScored ? .truePositive : .droppedByFlag
                }
            }
            let onRegion = label.ignoreRegions.contains { r in
                det.box.iou(r) >= regionIoU || (det.box.area > 0 && det.box.intersectionArea(r) / det.box.area >= regionInside)
            }
            return onRegion ? .droppedByRegion : .falsePositive
        }
    }

    /// `detections[i]` belongs to `labels[i]`.
    /// `operatingScore`: also count precision and recall of the detections scoring at least this.
    public static func evaluate(labels: [LabelledImage], detections: [[Detection]], iou: Float,
                                operatingScore: Float? = nil) -> APResult {
        precondition(labels.count == detections.count)
        var scored: [(score: Float, tp: Bool)] = []
        var result = APResult(iou: iou, ap: .nan, faces: 0, detections: 0, truePositives: 0, falsePositives: 0,
                              droppedByRegion: 0, droppedByFlag: 0, operatingPoint: nil)
        for (label, dets) in zip(labels, detections) {
            result.faces += label.scored.filter { $0 }.count
            result.detections += dets.count
            // Stable descending order, as the Python side's argsort(kind="stable").
            let sorted = dets.enumerated().sorted { a, b in
                a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
            }.map(\.element)
            for (det, outcome) in zip(sorted, match(sorted, label, iou: iou)) {
                switch outcome {
                case .truePositive: result.truePositives += 1; scored.append((det.score, true))
                case .falsePositive: result.falsePositives += 1; scored.append((det.score, false))
                case .droppedByFlag: result.droppedByFlag += 1
                case .droppedByRegion: result.droppedByRegion += 1
                }
            }
        }
        if let t = operatingScore {
            let above = scored.filter { $0.score >= t }
            let tp = above.filter(\.tp).count
            result.operatingPoint = OperatingPoint(threshold: t, truePositives: tp, falsePositives: above.count - tp,
                                                   recall: result.faces > 0 ? Double(tp) / Double(result.faces) : .nan)
        }
        guard result.faces > 0 else { return result }
        scored = scored.enumerated().sorted { a, b in
            a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
        }.map(\.element)
        var recall: [Double] = [], precision: [Double] = []
        var tp = 0, fp = 0
        for (i, s) in scored.enumerated() {
            if s.tp { tp += 1 } else { fp += 1 }
            // A point at the last detection of each run of equal scores.
            if i + 1 == scored.count || scored[i + 1].score != s.score {
                recall.append(Double(tp) / Double(result.faces))
                precision.append(Double(tp) / Double(max(tp + fp, 1)))
            }
        }
        result.ap = vocAP(recall: recall, precision: precision)
        return result
    }

    /// VOC all-points AP: sentinels, monotone precision envelope, sum where recall changes.
    static func vocAP(recall: [Double], precision: [Double]) -> Double {
        let rec = [0.0] + recall + [1.0]
        var pre = [0.0] + precision + [0.0]
        for i in stride(from: pre.count - 1, to: 0, by: -1) { pre[i - 1] = max(pre[i - 1], pre[i]) }
        var ap = 0.0
        for i in 0..<(rec.count - 1) where rec[i + 1] != rec[i] { ap += (rec[i + 1] - rec[i]) * pre[i + 1] }
        return ap
    }
}
