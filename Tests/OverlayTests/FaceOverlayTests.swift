import Foundation
import Testing
import FacepipeCore
import TestSupport
@testable import Overlay

/// A frame whose every sample differs from its neighbours, so any stray write shows.
func patternedFrame(width: Int, height: Int) -> VideoFrame {
    let frame = VideoFrame()
    frame.reshape(width: width, height: height)
    for y in 0..<height { for x in 0..<width { frame.planes.y[y * frame.strides.y + x] = UInt8(truncatingIfNeeded: 3 * x + 7 * y + 1) } }
    for y in 0..<frame.chromaHeight {
        for x in 0..<frame.chromaWidth {
            frame.planes.u[y * frame.strides.u + x] = UInt8(truncatingIfNeeded: 200 - 5 * x - y)
            frame.planes.v[y * frame.strides.v + x] = UInt8(truncatingIfNeeded: 30 + x + 9 * y)
        }
    }
    return frame
}

struct Snapshot: Equatable {
    var y: [UInt8], u: [UInt8], v: [UInt8]
    let width: Int, chromaWidth: Int
    init(_ f: VideoFrame) {
        width = f.width; chromaWidth = f.chromaWidth
        y = (0..<f.height).flatMap { r in (0..<f.width).map { f.planes.y[r * f.strides.y + $0] } }
        u = (0..<f.chromaHeight).flatMap { r in (0..<f.chromaWidth).map { f.planes.u[r * f.strides.u + $0] } }
        v = (0..<f.chromaHeight).flatMap { r in (0..<f.chromaWidth).map { f.planes.v[r * f.strides.v + $0] } }
    }
    func luma(_ x: Int, _ y: Int) -> UInt8 { self.y[y * width + x] }
    func chroma(_ x: Int, _ y: Int) -> (UInt8, UInt8) { (u[y * chromaWidth + x], v[y * chromaWidth + x]) }
}

@Suite struct FaceOverlayTests {
    // Palette entry 1 is RGB (60, 180, 75); BT.601 limited range by hand:
    // Y = 16 + .257*60 + .504*180 + .098*75 = 129.49, U = 128 - .148*60 - .291*180 + .439*75 = 99.67,
    // V = 128 + .439*60 - .368*180 - .071*75 = 82.78.
    let green = (y: UInt8(129), u: UInt8(100), v: UInt8(83))

    @Test func paletteIsConvertedOnceAndStablePerID() {
        #expect(Palette.colors[1] == YUVColor(y: green.y, u: green.u, v: green.v))
        #expect(Palette.index(forID: 1) == Palette.index(forID: 1 + Palette.rgb.count))
        #expect(Palette.index(forID: 1) != Palette.index(forID: 2))
        #expect(Palette.index(forID: -3) >= 0)
        #expect(Set(Palette.colors.map { "\($0.y),\($0.u),\($0.v)" }).count == Palette.rgb.count)
        #expect(Palette.textLuma[1] == 16) // light green gets black text
    }

    @Test func solidBoxDrawsExactlyItsOutlineAndLabel() {
        let frame = patternedFrame(width: 64, height: 48)
        let before = Snapshot(frame)
        // Rounds to luma [20, 32) x [21, 30): 12 x 9.
        FaceOverlay(thickness: 1, fontScale: 1)
            .draw([TrackedFace(id: 1, box: Box(x: 20.4, y: 20.6, width: 12, height: 9), score: 0.9, matched: true)], on: frame)
        let after = Snapshot(frame)
        // Label "#1 0.90": 7 glyphs -> (7*6 + 1) = 43 wide, 9 high, above the box: [20, 63) x [12, 21).
        func inLabel(_ x: Int, _ y: Int) -> Bool { (20..<63).contains(x) && (12..<21).contains(y) }
        func onOutline(_ x: Int, _ y: Int) -> Bool {
            (20..<32).contains(x) && (21..<30).contains(y) && (x == 20 || x == 31 || y == 21 || y == 29)
        }
        for y in 0..<48 {
            for x in 0..<64 {
                if onOutline(x, y) { #expect(after.luma(x, y) == green.y, "outline (\(x), \(y))") }
                else if !inLabel(x, y) { #expect(after.luma(x, y) == before.luma(x, y), "untouched (\(x), \(y))") }
            }
        }
        // Label background and text: '#' is the first glyph at x = 21, its top row (01010) at y = 13.
        #expect(after.luma(20, 12) == green.y && after.luma(62, 20) == green.y)
        #expect(after.luma(21, 13) == green.y && after.luma(22, 13) == 16 && after.luma(23, 13) == green.y)
        #expect(after.luma(24, 13) == 16 && after.luma(25, 13) == green.y)
        // '#' row 2 (11111) at y = 15 spans x 21...25.
        #expect((21...25).allSatisfy { after.luma($0, 15) == 16 })
        // Chroma: every 2x2 block the outline touches takes the colour; inside and beside it stays.
        #expect(after.chroma(10, 14) == (green.u, green.v))   // left edge x=20, y=29
        #expect(after.chroma(15, 12) == (green.u, green.v))   // right edge x=31
        #expect(after.chroma(12, 12) == before.chroma(12, 12)) // inside: x 24-25, y 24-25
        #expect(after.chroma(16, 12) == before.chroma(16, 12)) // right of the box
        #expect(after.chroma(12, 15) == before.chroma(12, 15)) // below the box
        #expect(after.chroma(31, 8) == (green.u, green.v))    // label, x 62
        #expect(after.chroma(9, 8) == before.chroma(9, 8))     // left of the label
    }

    @Test func predictedBoxIsDashed() {
        let frame = patternedFrame(width: 64, height: 64)
        let before = Snapshot(frame)
        FaceOverlay(thickness: 1, fontScale: 1)
            .draw([TrackedFace(id: 1, box: Box(x: 10, y: 30, width: 30, height: 20), score: 0.5, matched: false)], on: frame)
        let after = Snapshot(frame)
        // Dashes of 4, gaps of 3, from each corner: top row y=30, x 10-13 on, 14-16 off, 17-20 on...
        for x in 10..<40 {
            let on = (x - 10) % 7 < 4
            #expect((after.luma(x, 30) == green.y) == on, "top x=\(x)")
            #expect((after.luma(x, 49) == green.y) == on, "bottom x=\(x)")
            if !on { #expect(after.luma(x, 30) == before.luma(x, 30)) }
        }
        for y in 31..<49 { #expect((after.luma(10, y) == green.y) == ((y - 30) % 7 < 4), "left y=\(y)") }
        #expect(after.luma(25, 40) == before.luma(25, 40))
    }

    @Test func thicknessScalesWithTheFrame() {
        #expect(FaceOverlay.defaultThickness(width: 16, height: 16) == 1)
        #expect(FaceOverlay.defaultThickness(width: 640, height: 360) == 2)
        #expect(FaceOverlay.defaultThickness(width: 1280, height: 720) == 3)
        #expect(FaceOverlay.defaultThickness(width: 1920, height: 1080) == 5)
        let frame = patternedFrame(width: 640, height: 360)
        let before = Snapshot(frame)
        FaceOverlay().draw([TrackedFace(id: 1, box: Box(x: 100, y: 100, width: 50, height: 60), score: 1, matched: true)], on: frame)
        let after = Snapshot(frame)
        #expect(after.luma(100, 130) == green.y && after.luma(101, 130) == green.y)  // 2 px left edge
        #expect(after.luma(102, 130) == before.luma(102, 130))
        // Font scale 2: "#1 1.00" is (7*6+1)*2 = 86 wide and 18 high, above the box.
        #expect(after.luma(185, 90) == green.y && after.luma(186, 90) == before.luma(186, 90))
        #expect(after.luma(100, 82) == green.y && after.luma(100, 81) == before.luma(100, 81))
    }

    @Test func labelStaysInsideOrIsClippedAtEdges() {
        // Box at the top-right corner: the label moves inside the box top and left of the edge.
        let frame = patternedFrame(width: 50, height: 40)
        let before = Snapshot(frame)
        FaceOverlay(thickness: 1, fontScale: 1)
            .draw([TrackedFace(id: 12, box: Box(x: 40, y: 0, width: 10, height: 10), score: 0.75, matched: true)], on: frame)
        let after = Snapshot(frame)
        // "#12 0.75" = 8 glyphs = 49 px wide: x from 50 - 49 = 1, y from 0 (no room above).
        let color = Palette.colors[Palette.index(forID: 12)]
        #expect(after.luma(1, 0) == color.y && after.luma(49, 8) == color.y)
        #expect(after.luma(0, 0) == before.luma(0, 0) && after.luma(1, 9) == before.luma(1, 9))
        #expect(after.luma(40, 9) == color.y) // the box's bottom edge below the label
    }

    @Test func oddTinyFramesAndWildBoxesAreSafe() {
        for (w, h) in [(1, 1), (3, 5), (7, 5), (17, 9)] {
            let frame = patternedFrame(width: w, height: h)
            let before = Snapshot(frame)
            let faces = [
                TrackedFace(id: 3, box: Box(x: -5, y: -5, width: 20, height: 20), score: 0.99, matched: true),
                TrackedFace(id: 4, box: Box(x: 1, y: 1, width: 1, height: 1), score: 0.5, matched: false),
                TrackedFace(id: 5, box: Box(x: .nan, y: 0, width: 4, height: 4), score: .nan, matched: true),
                TrackedFace(id: 6, box: Box(x: 1e30, y: -1e30, width: 1e30, height: 4), score: 2, matched: true),
                TrackedFace(id: Int.max, box: Box(x: 500, y: 500, width: 4, height: 4), score: -1, matched: true),
            ]
            FaceOverlay().draw(faces, on: frame)
            let after = Snapshot(frame)
            #expect(after.y.count == before.y.count && after.u.count == (w + 1) / 2 * ((h + 1) / 2))
            if w >= 7 { #expect(after != before) }
        }
        // A box wholly outside leaves the frame as it was.
        let frame = patternedFrame(width: 20, height: 20)
        let before = Snapshot(frame)
        FaceOverlay().draw([TrackedFace(id: 1, box: Box(x: 30, y: 30, width: 5, height: 5), score: 1, matched: true)], on: frame)
        #expect(Snapshot(frame) == before)
    }

    @Test func stageDrawsTheFramesFaces() throws {
        let frame = patternedFrame(width: 64, height: 48)
        let before = Snapshot(frame)
        let stage = OverlayStage()
        #expect(stage.name == "overlay")
        try stage.process(frame)
        #expect(Snapshot(frame) == before)
        frame.faces.append(TrackedFace(id: 1, box: Box(x: 10, y: 20, width: 20, height: 20), score: 0.8, matched: true))
        try stage.process(frame)
        #expect(Snapshot(frame).luma(10, 30) == green.y)
        try stage.finish(lastTime: 0, lastFrame: 0)
    }
}
