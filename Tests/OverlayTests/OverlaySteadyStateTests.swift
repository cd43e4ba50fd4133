import TestSupport
#if canImport(Glibc)
import Testing
import FacepipeCore
@testable import Overlay

@Suite struct OverlaySteadyStateTests {
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
}
#endif
