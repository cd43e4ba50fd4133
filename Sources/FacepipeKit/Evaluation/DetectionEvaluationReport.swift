import Evaluation
import Foundation

/// What `facepipe eval` prints: AP per set and engine (with int8 - fp32 deltas), then what a
/// user meets: precision and recall of the boxes at the threshold the detector runs at.
public struct DetectionEvaluationReport {
    struct Row {
        var set: String
        var engine: EngineKind
        var images: Int
        var results: [APResult]
        var ms: Double
    }

    var rows: [Row]
    var engines: [EngineKind]
    var iou: [Float]
    /// The detector's own score threshold (Configs/detector.yaml, the model's, or --score).
    var threshold: Float

    public var text: String { (table + [""] + operatingPoints).joined(separator: "\n") }

    var table: [String] {
        var lines = ["set".padding(toLength: 20, withPad: " ", startingAt: 0) + " engine images  faces"
            + iou.map { String(format: "AP@%.2g", $0).leftPad(9) }.joined() + "     TP     FP  ms/img"]
        for r in rows {
            lines.append(Self.name(r) + String(format: "%7d %6d", r.images, r.results.first?.faces ?? 0)
                + r.results.map { String(format: "%9.2f", $0.ap * 100) }.joined()
                + String(format: " %6d %6d %7.1f", r.results.first?.truePositives ?? 0, r.results.first?.falsePositives ?? 0, r.ms))
        }
        guard engines.contains(.fp32) && engines.contains(.int8) else { return lines }
        for set in Set(rows.map(\.set)).sorted() {
            guard let a = rows.first(where: { $0.set == set && $0.engine == .fp32 }),
                  let b = rows.first(where: { $0.set == set && $0.engine == .int8 }) else { continue }
            let deltas = zip(a.results, b.results).map { String(format: "%+.2f", ($1.ap - $0.ap) * 100) }
            lines.append("\(set): int8 - fp32 AP points at IoU \(iou.map { String(format: "%.2g", $0) }.joined(separator: "/")): \(deltas.joined(separator: " / "))")
        }
        return lines
    }

    var operatingPoints: [String] {
        var lines = ["at the detector's score threshold \(String(format: "%.2f", threshold)) (Configs/detector.yaml, the model's own, or --score):",
                     "set".padding(toLength: 20, withPad: " ", startingAt: 0) + " engine"
                         + iou.map { String(format: "  P@%.2g    R@%.2g", $0, $0) }.joined() + "  boxes"]
        for r in rows {
            let cells = r.results.map { res -> String in
                guard let op = res.operatingPoint else { return "       -       -" }
                return String(format: " %6.2f%% %6.2f%%", op.precision * 100, op.recall * 100)
            }
            let boxes = r.results.first?.operatingPoint.map { $0.truePositives + $0.falsePositives } ?? 0
            lines.append(Self.name(r) + cells.joined() + String(format: " %6d", boxes))
        }
        return lines
    }

    /// The set and engine columns every row starts with.
    private static func name(_ r: Row) -> String {
        r.set.padding(toLength: 20, withPad: " ", startingAt: 0) + " " + r.engine.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
