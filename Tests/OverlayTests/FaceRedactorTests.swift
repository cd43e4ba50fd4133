import Testing
import FacepipeCore
import TestSupport
@testable import Overlay

/// Plain per-pixel twins of the redactor's rules, written from the documented pixel rules only
/// (no spans, no running sums, no grouping), so the optimised code is held to them byte for byte.
struct NaiveMask {
    let style: RedactionStyle
    let box: Box
    let width: Int, height: Int

    var cx: Double { Double(box.x) + Double(box.width) / 2 }
    var cy: Double { Double(box.y) + Double(box.height) / 2 }
    var hw: Double { Double(box.width) * (0.5 + Double(style.margin)) }
    var hh: Double { Double(box.height) * (0.5 + Double(style.margin)) }

    /// A luma pixel is inside when its centre is.
    func luma(_ x: Int, _ y: Int) -> Bool {
        let px = Double(x) + 0.5, py = Double(y) + 0.5
        switch style.shape {
        case .rectangle: return px >= cx - hw && px < cx + hw && py >= cy - hh && py < cy + hh
        case .ellipse:
            let dx = (px - cx) / hw, dy = (py - cy) / hh
            return dx * dx + dy * dy < 1
        }
    }

    /// A chroma sample is inside when any luma pixel of its 2x2 block (inside the frame) is.
    func chroma(_ x: Int, _ y: Int) -> Bool {
        for ly in (2 * y)..<min(2 * y + 2, height) { for lx in (2 * x)..<min(2 * x + 2, width) where luma(lx, ly) { return true } }
        return false
    }

    func inside(_ x: Int, _ y: Int, chroma c: Bool) -> Bool { c ? chroma(x, y) : luma(x, y) }

    /// Bounding box [x0, x1) x [y0, y1) of the inside samples of a plane.
    func bounds(chroma c: Bool, planeWidth: Int, planeHeight: Int) -> (x0: Int, y0: Int, x1: Int, y1: Int)? {
        var b: (x0: Int, y0: Int, x1: Int, y1: Int)?
        for y in 0..<planeHeight { for x in 0..<planeWidth where inside(x, y, chroma: c) {
            b = b.map { (min($0.x0, x), min($0.y0, y), max($0.x1, x + 1), max($0.y1, y + 1)) } ?? (x, y, x + 1, y + 1)
        } }
        return b
    }
}

/// Three passes of: every sample = round(mean of the 2r + 1 samples around it along the row, edges
/// replicated), then the same along the column. Integer division, halves up.
func naiveBlur(_ picture: [UInt8], width: Int, height: Int, radius r: Int) -> [UInt8] {
    var p = picture.map { Int($0) }
    let taps = 2 * r + 1
    for _ in 0..<3 {
        var q = p
        for y in 0..<height { for x in 0..<width {
            var sum = 0
            for k in -r...r { sum += p[y * width + min(max(x + k, 0), width - 1)] }
            q[y * width + x] = (sum + taps / 2) / taps
        } }
        for y in 0..<height { for x in 0..<width {
            var sum = 0
            for k in -r...r { sum += q[min(max(y + k, 0), height - 1) * width + x] }
            p[y * width + x] = (sum + taps / 2) / taps
        } }
    }
    return p.map { UInt8($0) }
}

/// What each mode must leave in one plane, sample by sample, from the plane before it.
func expectedPlane(_ before: [UInt8], planeWidth: Int, planeHeight: Int, chroma c: Bool, mask: NaiveMask,
                   fill: UInt8) -> [UInt8] {
    guard let b = mask.bounds(chroma: c, planeWidth: planeWidth, planeHeight: planeHeight) else { return before }
    let faceSize = max(mask.box.width, mask.box.height)
    var out = before
    switch mask.style.mode {
    case .solid:
        for y in 0..<planeHeight { for x in 0..<planeWidth where mask.inside(x, y, chroma: c) { out[y * planeWidth + x] = fill } }
    case .blur:
        let radius = max(1, Int((mask.style.blurRadius * faceSize).rounded()))
        let r = c ? max(1, (radius + 1) / 2) : radius
        let w = b.x1 - b.x0, h = b.y1 - b.y0
        let window = (0..<h).flatMap { y in (0..<w).map { x in before[(b.y0 + y) * planeWidth + b.x0 + x] } }
        let blurred = naiveBlur(window, width: w, height: h, radius: r)
        for y in 0..<planeHeight { for x in 0..<planeWidth where mask.inside(x, y, chroma: c) {
            out[y * planeWidth + x] = blurred[(y - b.y0) * w + x - b.x0]
        } }
    case .pixelate:
        let block = max(1, Int((mask.style.blockSize * faceSize).rounded()))
        let size = c ? max(1, (block + 1) / 2) : block
        let ox = Int((mask.cx - mask.hw - 0.5).rounded(.up)), oy = Int((mask.cy - mask.hh - 0.5).rounded(.up))
        let originX = c ? Int((Double(ox) / 2).rounded(.down)) : ox, originY = c ? Int((Double(oy) / 2).rounded(.down)) : oy
        func blockOf(_ v: Int, _ origin: Int) -> Int { Int((Double(v - origin) / Double(size)).rounded(.down)) }
        for y in 0..<planeHeight { for x in 0..<planeWidth where mask.inside(x, y, chroma: c) {
            let bx = blockOf(x, originX), by = blockOf(y, originY)
            var sum = 0, count = 0
            for yy in b.y0..<b.y1 { for xx in b.x0..<b.x1 where blockOf(xx, originX) == bx && blockOf(yy, originY) == by {
                sum += Int(before[yy * planeWidth + xx]); count += 1
            } }
            out[y * planeWidth + x] = UInt8((sum + count / 2) / count)
        } }
    }
    return out
}

@Suite struct FaceRedactorTests {
    static let box = Box(x: 10.3, y: 7.6, width: 14.2, height: 12.9)

    /// Every mode and shape on an even and an odd frame, a mask inside and one cut by the frame's
    /// edge: all three planes equal the per-pixel twin, byte for byte.
    @Test(arguments: RedactionStyle.Mode.allCases, RedactionStyle.Shape.allCases)
    func masksArePixelExact(mode: RedactionStyle.Mode, shape: RedactionStyle.Shape) throws {
        // blur radius 0.15 x 14.2 = 2 px; pixelation block 0.3 x 14.2 = 4 px.
        let style = RedactionStyle(mode: mode, shape: shape, margin: 0.25, blurRadius: 0.15, blockSize: 0.3,
                                   color: RGBColor(r: 255, g: 0, b: 0))
        for (width, height) in [(40, 30), (41, 31)] {
            for box in [Self.box, Box(x: 31.7, y: -3.2, width: 14.2, height: 12.9)] {
                let frame = patternedFrame(width: width, height: height)
                let before = Snapshot(frame)
                FaceRedactor(style: style).redact([box], on: frame)
                let after = Snapshot(frame)
                let mask = NaiveMask(style: style, box: box, width: width, height: height)
                // #FF0000 in BT.601 limited range: Y 16 + .257 x 255 = 81.5, U 128 - .148 x 255 = 90.3, V 128 + .439 x 255 = 240.
                let cw = frame.chromaWidth, ch = frame.chromaHeight
                #expect(after.y == expectedPlane(before.y, planeWidth: width, planeHeight: height, chroma: false, mask: mask, fill: 82),
                        "luma \(mode) \(shape) \(width)x\(height) \(box)")
                #expect(after.u == expectedPlane(before.u, planeWidth: cw, planeHeight: ch, chroma: true, mask: mask, fill: 90),
                        "U \(mode) \(shape) \(width)x\(height) \(box)")
                #expect(after.v == expectedPlane(before.v, planeWidth: cw, planeHeight: ch, chroma: true, mask: mask, fill: 240),
                        "V \(mode) \(shape) \(width)x\(height) \(box)")
                #expect(after != before)
            }
        }
    }

    @Test func rectangleMaskCoversTheGrownBoxByPixelCentres() throws {
        // Box [10, 20) x [8, 16) grown by half its size on each side: [5, 25) x [4, 20).
        let mask = try #require(RedactionMask(box: Box(x: 10, y: 8, width: 10, height: 8), margin: 0.5, shape: .rectangle,
                                              frameWidth: 64, frameHeight: 48))
        #expect(mask.rowStart == 4 && mask.rowEnd == 20)
        #expect(mask.span(row: 4) == (5, 25) && mask.span(row: 19) == (5, 25))
        #expect(mask.span(row: 3) == (0, 0) && mask.span(row: 20) == (0, 0))
        // Chroma: luma rows 4...19 -> chroma rows 2...9, columns [5, 25) -> [2, 13).
        #expect(mask.chromaRowStart == 2 && mask.chromaRowEnd == 10 && mask.chromaSpan(row: 2) == (2, 13))
        // Cut by the frame, and wholly outside it.
        let cut = try #require(RedactionMask(box: Box(x: -4, y: 40, width: 10, height: 10), margin: 0, shape: .rectangle,
                                             frameWidth: 64, frameHeight: 48))
        #expect(cut.rowStart == 40 && cut.rowEnd == 48 && cut.span(row: 47) == (0, 6))
        #expect(RedactionMask(box: Box(x: 70, y: 10, width: 5, height: 5), margin: 0.4, shape: .ellipse,
                              frameWidth: 64, frameHeight: 48) == nil)
        #expect(RedactionMask(box: Box(x: .nan, y: 10, width: 5, height: 5), margin: 0.4, shape: .ellipse,
                              frameWidth: 64, frameHeight: 48) == nil)
    }

    /// The ellipse covers the box's own corners from a margin of (sqrt 2 - 1) / 2 ~ 0.21 on.
    @Test func ellipseWithTheDefaultMarginCoversTheWholeBox() throws {
        let box = Box(x: 100.4, y: 60.7, width: 48.3, height: 61.9)
        let mask = try #require(RedactionMask(box: box, margin: RedactionStyle.standard.margin, shape: .ellipse,
                                              frameWidth: 320, frameHeight: 240))
        for y in 61..<122 {
            let s = mask.span(row: y)
            #expect(s.x0 <= 101 && s.x1 >= 148, "row \(y): \(s)")
        }
    }

    /// A blurred face keeps no detail: on a pattern of 2-pixel stripes (eyes, lashes, mouth edges
    /// are of that scale at these sizes) the step between neighbours inside the mask must fall to
    /// under a twentieth, and the mean brightness must stay (it is a blur, not a fill).
    @Test func blurLeavesNoFineDetail() throws {
        let frame = VideoFrame()
        frame.reshape(width: 160, height: 120)
        for y in 0..<120 { for x in 0..<160 { frame.planes.y[y * frame.strides.y + x] = (x / 2 + y / 2) % 2 == 0 ? 30 : 220 } }
        let box = Box(x: 50, y: 30, width: 60, height: 60)
        let mask = try #require(RedactionMask(box: box, margin: 0, shape: .rectangle, frameWidth: 160, frameHeight: 120))
        func measure() -> (step: Double, mean: Double) {
            var steps = 0.0, sum = 0.0, n = 0.0
            for y in mask.rowStart..<mask.rowEnd {
                let s = mask.span(row: y)
                for x in s.x0..<(s.x1 - 1) {
                    let a = Double(frame.planes.y[y * frame.strides.y + x]), b = Double(frame.planes.y[y * frame.strides.y + x + 1])
                    steps += abs(a - b); sum += a; n += 1
                }
            }
            return (steps / n, sum / n)
        }
        let sharp = measure()
        FaceRedactor(style: RedactionStyle(mode: .blur, shape: .rectangle, margin: 0)).redact([box], on: frame)
        let blurred = measure()
        #expect(blurred.step < sharp.step / 20, "\(sharp) -> \(blurred)")
        #expect(abs(blurred.mean - sharp.mean) < 10)
    }

    /// Overlapping faces are blurred as one window with the larger radius; a face apart is not touched by it.
    @Test func overlappingMasksAreBlurredTogetherAndOthersApart() throws {
        let style = RedactionStyle(mode: .blur, shape: .ellipse, margin: 0.2, blurRadius: 0.15)
        let a = Box(x: 10.3, y: 7.6, width: 14.2, height: 12.9), b = Box(x: 20.1, y: 12.2, width: 20.4, height: 18)
        let apart = Box(x: 60.2, y: 40.5, width: 10, height: 10)
        let frame = patternedFrame(width: 80, height: 64)
        let before = Snapshot(frame)
        FaceRedactor(style: style).redact([a, b, apart], on: frame)
        let after = Snapshot(frame)
        // The pair: one window (the union of both masks' bounds), radius from the larger face (0.15 x 20.4 = 3).
        let ma = NaiveMask(style: style, box: a, width: 80, height: 64), mb = NaiveMask(style: style, box: b, width: 80, height: 64)
        let ba = try #require(ma.bounds(chroma: false, planeWidth: 80, planeHeight: 64))
        let bb = try #require(mb.bounds(chroma: false, planeWidth: 80, planeHeight: 64))
        let x0 = min(ba.x0, bb.x0), y0 = min(ba.y0, bb.y0), x1 = max(ba.x1, bb.x1), y1 = max(ba.y1, bb.y1)
        let window = (y0..<y1).flatMap { y in (x0..<x1).map { before.luma($0, y) } }
        let blurred = naiveBlur(window, width: x1 - x0, height: y1 - y0, radius: 3)
        let single = expectedPlane(before.y, planeWidth: 80, planeHeight: 64, chroma: false,
                                   mask: NaiveMask(style: style, box: apart, width: 80, height: 64), fill: 0)
        for y in 0..<64 { for x in 0..<80 {
            let want: UInt8
            if ma.luma(x, y) || mb.luma(x, y) { want = blurred[(y - y0) * (x1 - x0) + x - x0] } else { want = single[y * 80 + x] }
            #expect(after.luma(x, y) == want, "(\(x), \(y))")
            if after.luma(x, y) != want { return }
        } }
    }

    @Test func nothingToHideLeavesTheFrameAlone() {
        let frame = patternedFrame(width: 33, height: 17)
        let before = Snapshot(frame)
        let redactor = FaceRedactor()
        redactor.redact([], on: frame)
        redactor.redact([Box(x: 100, y: 100, width: 10, height: 10), Box(x: 5, y: 5, width: 0, height: 9),
                         Box(x: .infinity, y: 1, width: 3, height: 3),
                         // Thin enough that no pixel centre is inside, alone and beside another like it.
                         Box(x: 10.6, y: 3.1, width: 0.2, height: 0.2), Box(x: 10.7, y: 3.2, width: 0.2, height: 0.2)],
                        on: frame)
        #expect(Snapshot(frame) == before)
    }

    @Test func summaryCountsMasksAndFramesWithNothingHidden() {
        let redactor = FaceRedactor()
        let frame = patternedFrame(width: 64, height: 48)
        frame.timeBase = Rational(1, 1000)
        for (i, boxes) in [[Box(x: 5, y: 5, width: 10, height: 10), Box(x: 30, y: 20, width: 9, height: 9)], [],
                           [Box(x: 100, y: 5, width: 10, height: 10)], [Box(x: 5, y: 5, width: 10, height: 10)]].enumerated() {
            frame.pts = Int64(i * 40)
            frame.redactions = boxes
            redactor.redact(on: frame)
        }
        #expect(redactor.frames == 4 && redactor.masksApplied == 3)
        #expect(redactor.framesWithNothingHidden == 2 && redactor.firstTimeWithNothingHidden == 0.04)
        #expect(redactor.summary == "redaction: 3 masks over 4 frames; 2 frames with nothing hidden (first at 0.040 s)")
    }

    @Test func stageHidesThenDrawsOnlyWhenAskedTo() throws {
        let face = TrackedFace(id: 1, box: Box(x: 20, y: 10, width: 20, height: 20), score: 0.9, matched: true)
        func run(_ stage: OverlayStage) throws -> Snapshot {
            let frame = patternedFrame(width: 64, height: 48)
            frame.faces = [face]
            frame.redactions = [face.box]
            try stage.process(frame)
            return Snapshot(frame)
        }
        let style = RedactionStyle(mode: .solid, shape: .rectangle, margin: 0, color: RGBColor(r: 0, g: 0, b: 0))
        let hidden = try run(OverlayStage(overlay: nil, redactor: FaceRedactor(style: style), name: "redact"))
        let both = try run(OverlayStage(overlay: FaceOverlay(thickness: 1, fontScale: 1), redactor: FaceRedactor(style: style)))
        // Inside the box, away from the outline: black either way; the outline only when drawing.
        #expect(hidden.luma(30, 20) == 16 && both.luma(30, 20) == 16)
        #expect(hidden.luma(20, 15) == 16 && both.luma(20, 15) == Palette.colors[1].y)
    }

    @Test func settingsFileMatchesTheStandardValuesAndBadValuesAreNamed() throws {
        let shipped = try RedactionSettings.load(fromFile: TestPaths.repo("Configs/redaction.yaml").path)
        #expect(shipped == .standard)
        let text = try String(contentsOfFile: TestPaths.repo("Configs/redaction.yaml").path, encoding: .utf8)
        func error(_ from: String, _ to: String) -> String {
            do {
                let s = try StrictYAML.decode(RedactionSettings.self, from: text.replacingOccurrences(of: from, with: to), file: "r.yaml")
                try s.validate(file: "r.yaml")
                return "accepted"
            } catch { return "\(error)" }
        }
        #expect(error("mode: blur", "mode: smudge").contains("mode"))
        #expect(error("color: \"#000000\"", "color: black").contains("color"))
        #expect(error("margin: 0.4", "margin: -1").contains("r.yaml: margin"))
        #expect(error("score: 0.05", "score: 1.5").contains("score"))
        #expect(error("hold_seconds: 0.2", "hold_second: 0.2").contains("hold_second"))
        #expect(RGBColor(hex: "#20a0Ff") == RGBColor(r: 0x20, g: 0xA0, b: 0xFF) && RGBColor(hex: "#12345") == nil)
        #expect(RGBColor(r: 1, g: 2, b: 255).description == "#0102FF")
        #expect(shipped.summary == "blur, ellipse, margin 0.4, strength 0.2, score >= 0.05")
    }
}
