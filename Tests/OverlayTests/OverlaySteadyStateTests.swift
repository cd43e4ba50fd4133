import TestSupport
#if canImport(Glibc)
import Testing
import FacepipeCore
@testable import Overlay

@Suite(.serialized, .enabled(if: allocationTestsEnabled, "run alone by Tools/test.sh (FACEPIPE_ALLOCATION_TESTS=1)"))
struct OverlaySteadyStateTests {
    @Test func drawingAllocatesNothingAfterWarmUp() throws {
        let frame = patternedFrame(width: 320, height: 180)
        frame.faces = [
            TrackedFace(id: 1, box: Box(x: 10, y: 40, width: 50, height: 60), score: 0.91, matched: true),
            TrackedFace(id: 12345, box: Box(x: 290, y: 0, width: 50, height: 40), score: 0.5, matched: false),
            TrackedFace(id: 7, box: Box(x: -20, y: 150, width: 60, height: 60), score: 1, matched: true),
        ]
        let overlay = FaceOverlay()
        overlay.draw(on: frame)
        let sanity = swiftAllocations { _ = [Int](repeating: 0, count: 10) }
        try #require(sanity != nil && sanity! >= 1, "the allocation hook does not count")
        let count = swiftAllocations { for _ in 0..<50 { overlay.draw(on: frame) } }
        #expect(count == 0)
    }

    /// Every mode, with overlapping and separate faces, one cut by the frame's edge.
    @Test(arguments: RedactionStyle.Mode.allCases)
    func redactingAllocatesNothingAfterWarmUp(mode: RedactionStyle.Mode) throws {
        let frame = patternedFrame(width: 320, height: 180)
        frame.redactions = [Box(x: 10, y: 40, width: 50, height: 60), Box(x: 40, y: 50, width: 40, height: 40),
                            Box(x: 290, y: -10, width: 50, height: 40), Box(x: 150, y: 90, width: 30, height: 35)]
        let stage = OverlayStage(overlay: FaceOverlay(), redactor: FaceRedactor(style: RedactionStyle(mode: mode)))
        try stage.process(frame)
        let sanity = swiftAllocations { _ = [Int](repeating: 0, count: 10) }
        try #require(sanity != nil && sanity! >= 1, "the allocation hook does not count")
        var failure: Error?
        let count = swiftAllocations { for _ in 0..<50 { do { try stage.process(frame) } catch { failure = error } } }
        #expect(failure == nil)
        #expect(count == 0)
    }
}
#endif
