extension TrackingScores {
    /// The scores of several sequences taken as one: counts add up, MOTP is the mean IoU
    /// over all matches, and identities never pair across sequences (they share no frames),
    /// so the identity counts add up too. Ratios are recomputed from the sums.
    public static func total(_ parts: [TrackingScores]) -> TrackingScores {
        var t = TrackingScores()
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
        t.deriveRatios(iouSum: iouSum)
        return t
    }

    /// MOTA, MOTP, IDF1, IDP and IDR from the counts (`iouSum`: IoU summed over the matches):
    /// the one place these formulas are written, for one sequence and for a total.
    mutating func deriveRatios(iouSum: Double) {
        if groundTruthBoxes > 0 {
            mota = 1 - Double(misses + falsePositives + idSwitches) / Double(groundTruthBoxes)
        }
        motp = matches > 0 ? iouSum / Double(matches) : 0
        let denominator = Double(2 * idTruePositives + idFalsePositives + idFalseNegatives)
        idf1 = denominator > 0 ? Double(2 * idTruePositives) / denominator : 0
        idPrecision = predictedBoxes > 0 ? Double(idTruePositives) / Double(predictedBoxes) : 0
        idRecall = groundTruthBoxes > 0 ? Double(idTruePositives) / Double(groundTruthBoxes) : 0
    }
}
