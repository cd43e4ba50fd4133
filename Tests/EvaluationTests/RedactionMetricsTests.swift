import Testing
import FacepipeCore
@testable import Evaluation

@Suite struct RedactionMetricsTests {
    /// A 10 x 8 frame with the mask given as rows of '#' (hidden) and '.' (shown).
    static func mask(_ rows: [String]) -> [UInt8] { rows.flatMap { $0.map { $0 == "#" ? UInt8(1) : 0 } } }

    @Test func countsVisibleFaceAreaSlipsAndHiddenBackgroundByHand() {
        var metrics = RedactionMetrics()
        // Face A: box [1, 5) x [1, 5) (16 px), fully hidden. Face B: pixel centres in [5.6, 9.8) x
        // [1.7, 6.8), i.e. columns 6...9, rows 2...6 (20 px); 5 px shown (25 %: a slip). Hidden
        // outside faces: row 0's two pixels, column 0 of rows 1...4, and (5, 3): 7 px.
        let hidden = Self.mask([
            "##........",
            "#####.....",
            "#####.####",
            "######.###",
            "#####.####",
            "......###.",
            "......#...",
            "..........",
        ])
        metrics.add(frame: 0, width: 10, height: 8, hidden: hidden,
                    faces: [Box(x: 1, y: 1, width: 4, height: 4), Box(x: 5.6, y: 1.7, width: 4.2, height: 5.1)])
        var s = metrics.scores
        #expect(s.frames == 1 && s.framesWithFaces == 1 && s.faceInstances == 2)
        #expect(s.facePixels == 36 && s.visibleFacePixels == 5)
        #expect(s.facesSlipped == 1 && s.framesWithSlip == 1 && s.facesPartlyVisible == 1)
        #expect(s.hiddenNonFacePixels == 7)
        #expect(abs(s.meanVisibleShare - 5.0 / 36) < 1e-12 && s.worstFrame == 0)

        // Frame 1: the same faces, nothing hidden, but the bar blacks out columns 6..<10: only A
        // counts (fully visible), B is not shown by the video at all.
        metrics.add(frame: 1, width: 10, height: 8, hidden: [UInt8](repeating: 0, count: 80),
                    faces: [Box(x: 1, y: 1, width: 4, height: 4), Box(x: 6, y: 2, width: 4, height: 5)], blocked: 6..<10)
        s = metrics.scores
        #expect(s.frames == 2 && s.framesWithFaces == 2 && s.faceInstances == 3)
        #expect(s.worstVisibleShare == 1 && s.worstFrame == 1 && s.framesWithSlip == 2)
        #expect(abs(s.meanVisibleShare - (5.0 / 36 + 1) / 2) < 1e-12)
        // A frame without faces counts for area only.
        metrics.add(frame: 2, width: 10, height: 8, hidden: Self.mask(Array(repeating: "#.........", count: 8)), faces: [])
        #expect(metrics.scores.framesWithFaces == 2 && metrics.scores.framePixels == 240)
        #expect(metrics.scores.hiddenNonFacePixels == s.hiddenNonFacePixels + 8)
        let total = RedactionScores.total([metrics.scores, metrics.scores])
        #expect(total.framesWithSlip == 4 && total.worstVisibleShare == 1 && total.facePixels == 2 * metrics.scores.facePixels)
    }
}
