import FacepipeCore
import Foundation

/// How many detections two detectors share on the same picture: greedy one-to-one matching by
/// score at an IoU threshold (for comparing the int8 engine with the fp32 reference).
struct DetectionAgreement {
    var reference = 0
    var other = 0
    var matched = 0
    var iouSum: Double = 0

    mutating func add(reference a: [Detection], other b: [Detection], iou threshold: Float) {
        reference += a.count
        other += b.count
        var taken = [Bool](repeating: false, count: b.count)
        for d in a.sorted(by: { $0.score > $1.score }) {
            var best = -1
            var bestIoU = threshold
            for (j, e) in b.enumerated() where !taken[j] {
                let v = d.box.iou(e.box)
                if v > bestIoU { bestIoU = v; best = j }
            }
            if best >= 0 {
                taken[best] = true
                matched += 1
                iouSum += Double(bestIoU)
            }
        }
    }

    var summary: String {
        let mean = matched > 0 ? iouSum / Double(matched) : 0
        return "\(matched) of \(reference) fp32 detections matched by int8 (\(other) int8 detections), mean IoU "
            + String(format: "%.3f", mean)
    }
}
