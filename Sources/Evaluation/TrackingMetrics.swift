import FacepipeCore
import Tracker

/// A ground-truth face in one frame. `ignored` faces (hidden under an occluder) are
/// neither required nor penalised: predictions on them are dropped before scoring.
public struct GroundTruthFace: Sendable, Hashable {
    public var id: Int
    public var box: Box
    public var ignored: Bool
    public init(id: Int, box: Box, ignored: Bool = false) { self.id = id; self.box = box; self.ignored = ignored }
}

/// Tracking quality of a whole sequence.
public struct TrackingScores: Sendable, Equatable, CustomStringConvertible {
    public var frames = 0
    /// Ground-truth boxes that count (ignored ones excluded) and predicted boxes scored.
    public var groundTruthBoxes = 0
    public var predictedBoxes = 0
    /// CLEAR-MOT (Bernardin & Stiefelhagen 2008).
    public var matches = 0
    public var misses = 0
    public var falsePositives = 0
    public var idSwitches = 0
    /// Times a ground-truth track stopped being tracked and was later tracked again.
    public var fragmentations = 0
    /// 1 - (misses + false positives + ID switches) / ground-truth boxes.
    public var mota = 0.0
    /// Mean IoU of the matched pairs (higher is better).
    public var motp = 0.0
    /// Identity measures (Ristani et al. 2016) from the best one-to-one pairing of
    /// ground-truth and predicted identities over the whole sequence.
    public var idTruePositives = 0
    public var idFalsePositives = 0
    public var idFalseNegatives = 0
    public var idf1 = 0.0
    public var idPrecision = 0.0
    public var idRecall = 0.0
    /// Ground-truth tracks, and those covered in >= 80% / <= 20% of their frames.
    public var groundTruthTracks = 0
    public var mostlyTracked = 0
    public var mostlyLost = 0

    public var description: String {
        func pct(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
        return "MOTA \(pct(mota))  MOTP \(String(format: "%.3f", motp))  IDF1 \(pct(idf1)) (IDP \(pct(idPrecision)), IDR \(pct(idRecall)))  "
            + "GT \(groundTruthBoxes)  FN \(misses)  FP \(falsePositives)  IDsw \(idSwitches)  Frag \(fragmentations)  "
            + "tracks \(groundTruthTracks) (MT \(mostlyTracked), ML \(mostlyLost))  frames \(frames)"
    }
}

/// Accumulates CLEAR-MOT and identity measures frame by frame. A prediction matches a
/// ground-truth box when their IoU reaches `iouThreshold` (0.5 by default).
public struct TrackingMetrics {
    public let iouThreshold: Float
    private var scores = TrackingScores()
    private var iouSum = 0.0
    /// CLEAR-MOT: the predicted ID each ground-truth ID was last matched to.
    private var lastMatch: [Int: Int] = [:]
    private var wasTracked: [Int: Bool] = [:]
    private var presentFrames: [Int: Int] = [:]
    private var trackedFrames: [Int: Int] = [:]
    /// Identity measures: frames each identity is present in, and frames each pair overlaps.
    private var predictedFrames: [Int: Int] = [:]
    private var overlaps: [Pair: Int] = [:]
    private var solver = AssignmentSolver()

    private struct Pair: Hashable { var truth: Int; var predicted: Int }

    public init(iouThreshold: Float = 0.5) {
        precondition(iouThreshold > 0 && iouThreshold <= 1, "IoU threshold must be in (0, 1]")
        self.iouThreshold = iouThreshold
    }

    /// Adds one frame. Pass every frame of the sequence, with empty lists where nothing is there.
    public mutating func add(groundTruth: [GroundTruthFace], predictions: [TrackedFace]) {
        scores.frames += 1
        let kept = predictionsNotOnIgnoredFaces(groundTruth, predictions)
        var truths: [GroundTruthFace] = []
        for face in groundTruth where !face.ignored { truths.append(face) }
        scores.groundTruthBoxes += truths.count
        scores.predictedBoxes += kept.count
        accumulateClearMOT(truths, kept)
        accumulateIdentities(truths, kept)
    }

    /// Drops predictions that pair (best IoU, one to one) with an ignored face.
    private mutating func predictionsNotOnIgnoredFaces(_ truths: [GroundTruthFace], _ predictions: [TrackedFace]) -> [TrackedFace] {
        guard truths.contains(where: { $0.ignored }), !predictions.isEmpty else { return predictions }
        let pairing = bestIoUPairing(truths.map(\.box), predictions.map(\.box))
        var onIgnored = Set<Int>()
        for (t, p) in pairing.enumerated() where p >= 0 && truths[t].ignored { onIgnored.insert(p) }
        return predictions.enumerated().filter { !onIgnored.contains($0.offset) }.map(\.element)
    }

    /// One-to-one pairing maximising total IoU among pairs at or above the threshold.
    private mutating func bestIoUPairing(_ truths: [Box], _ predictions: [Box]) -> [Int] {
        var costs: [Double] = []
        costs.reserveCapacity(truths.count * predictions.count)
        for t in truths { for p in predictions { costs.append(1 - Double(t.iou(p))) } }
        var result: [Int] = []
        solver.match(costs: costs, rows: truths.count, cols: predictions.count,
                     limit: 1 - Double(iouThreshold) + 1e-9, rowToColumn: &result)
        return result
    }

    private mutating func accumulateClearMOT(_ truths: [GroundTruthFace], _ predictions: [TrackedFace]) {
        var predictionOf = [Int](repeating: -1, count: truths.count)
        var taken = [Bool](repeating: false, count: predictions.count)
        // Correspondences of the previous frames stay while they still overlap enough.
        for (t, truth) in truths.enumerated() {
            guard let previous = lastMatch[truth.id] else { continue }
            for (p, prediction) in predictions.enumerated()
            where !taken[p] && prediction.id == previous && truth.box.iou(prediction.box) >= iouThreshold {
                predictionOf[t] = p; taken[p] = true
                break
            }
        }
        // The rest: the best IoU pairing among what is still free.
        let freeTruths = truths.indices.filter { predictionOf[$0] < 0 }
        let freePredictions = predictions.indices.filter { !taken[$0] }
        if !freeTruths.isEmpty && !freePredictions.isEmpty {
            let pairing = bestIoUPairing(freeTruths.map { truths[$0].box }, freePredictions.map { predictions[$0].box })
            for (k, column) in pairing.enumerated() where column >= 0 {
                predictionOf[freeTruths[k]] = freePredictions[column]
                taken[freePredictions[column]] = true
            }
        }
        for (t, truth) in truths.enumerated() {
            presentFrames[truth.id, default: 0] += 1
            let p = predictionOf[t]
            if p < 0 {
                scores.misses += 1
                if wasTracked[truth.id] == true { wasTracked[truth.id] = false }
                continue
            }
            let prediction = predictions[p]
            scores.matches += 1
            trackedFrames[truth.id, default: 0] += 1
            iouSum += Double(truth.box.iou(prediction.box))
            if let previous = lastMatch[truth.id], previous != prediction.id { scores.idSwitches += 1 }
            lastMatch[truth.id] = prediction.id
            if wasTracked[truth.id] == false { scores.fragmentations += 1 }
            wasTracked[truth.id] = true
        }
        scores.falsePositives += taken.filter { !$0 }.count
    }

    private mutating func accumulateIdentities(_ truths: [GroundTruthFace], _ predictions: [TrackedFace]) {
        for prediction in predictions { predictedFrames[prediction.id, default: 0] += 1 }
        for truth in truths {
            for prediction in predictions where truth.box.iou(prediction.box) >= iouThreshold {
                overlaps[Pair(truth: truth.id, predicted: prediction.id), default: 0] += 1
            }
        }
    }

    /// The scores of everything added so far.
    public mutating func result() -> TrackingScores {
        var s = scores
        s.groundTruthTracks = presentFrames.count
        for (id, present) in presentFrames {
            let ratio = Double(trackedFrames[id] ?? 0) / Double(present)
            if ratio >= 0.8 { s.mostlyTracked += 1 } else if ratio <= 0.2 { s.mostlyLost += 1 }
        }
        // Best one-to-one pairing of identities by frames in common (cost: minus that count).
        let truthIDs = presentFrames.keys.sorted(), predictedIDs = predictedFrames.keys.sorted()
        var costs: [Double] = []
        costs.reserveCapacity(truthIDs.count * predictedIDs.count)
        for g in truthIDs {
            for h in predictedIDs { costs.append(-Double(overlaps[Pair(truth: g, predicted: h)] ?? 0)) }
        }
        var pairing: [Int] = []
        solver.match(costs: costs, rows: truthIDs.count, cols: predictedIDs.count, limit: 0, rowToColumn: &pairing)
        var idtp = 0
        for (row, column) in pairing.enumerated() where column >= 0 { idtp -= Int(costs[row * predictedIDs.count + column]) }
        s.idTruePositives = idtp
        s.idFalseNegatives = s.groundTruthBoxes - idtp
        s.idFalsePositives = s.predictedBoxes - idtp
        s.deriveRatios(iouSum: iouSum)
        return s
    }
}
