import Tracker

extension TrackingScores {
    /// The scores of several sequences taken as one: counts add up, MOTP is the mean IoU
    /// over all matches, and identities never pair across sequences (they share no frames),
    /// so the identity counts add up too. Ratios are recomputed from the sums.
    static func total(_ parts: [TrackingScores]) -> TrackingScores {
        var empty = TrackingMetrics()
        var t = empty.result()  // all zeros (TrackingScores has no public initialiser)
        var iouSum = 0.0
        for p in parts {
            t.frames += p.frames
            t.groundTruthBoxes += p.groundTruthBoxes
            t.predictedBoxes += p.predictedBoxes
            t.matches += p.matches
            t.misses += p.misses
            t.falsePositives += p.falsePositives
            t.idSwitches += p.idSwitches
            t.fragmentations += p.fragmentations
            t.idTruePositives += p.idTruePositives
            t.idFalsePositives += p.idFalsePositives
            t.idFalseNegatives += p.idFalseNegatives
            t.groundTruthTracks += p.groundTruthTracks
            t.mostlyTracked += p.mostlyTracked
            t.mostlyLost += p.mostlyLost
            iouSum += p.motp * Double(p.matches)
        }
        if t.groundTruthBoxes > 0 {
            t.mota = 1 - Double(t.misses + t.falsePositives + t.idSwitches) / Double(t.groundTruthBoxes)
            t.idRecall = Double(t.idTruePositives) / Double(t.groundTruthBoxes)
        }
        t.motp = t.matches > 0 ? iouSum / Double(t.matches) : 0
        t.idPrecision = t.predictedBoxes > 0 ? Double(t.idTruePositives) / Double(t.predictedBoxes) : 0
        let denominator = Double(2 * t.idTruePositives + t.idFalsePositives + t.idFalseNegatives)
        t.idf1 = denominator > 0 ? Double(2 * t.idTruePositives) / denominator : 0
        return t
    }
}
