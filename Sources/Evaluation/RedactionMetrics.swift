import FacepipeCore

/// How well a redacted video hides its faces, from exact per-frame truth: per frame, which
/// share of the true face area is left visible, and how much is hidden that is not a face.
///
/// Pixels are counted by their centres: a true face box [x, x + w) x [y, y + h) covers the pixels
/// whose centre lies inside it (as the redaction masks do). A face pixel is visible when no mask
/// hides it and the video itself does not (`blocked`: the rendered black bar's columns).
public struct RedactionScores: Sendable, Equatable, CustomStringConvertible {
    /// A face more visible than this in a frame counts as a slip (the 20 %).
    static let slipShare = 0.2

    public var frames = 0
    /// Frames with at least one true face pixel that the video shows (not under the bar).
    public var framesWithFaces = 0
    /// Face instances (one face in one frame) with at least one pixel the video shows.
    public var faceInstances = 0
    /// Sum over scored frames of the share of their face area left visible (for the mean).
    var visibleShareSum = 0.0
    /// The worst scored frame's visible share, and which frame it is (-1: none).
    public var worstVisibleShare = 0.0
    public var worstFrame = -1
    /// Frames in which some face is more than `slipShare` visible; face instances that are.
    public var framesWithSlip = 0
    public var facesSlipped = 0
    /// The first `listedSlips` such frames (index into the video), to look at.
    public var slipFrames: [Int] = []
    static let listedSlips = 20
    /// Face instances with any pixel visible at all.
    public var facesPartlyVisible = 0
    public var facePixels = 0
    public var visibleFacePixels = 0
    /// Hidden pixels outside every true face box, and all pixels of the scored frames.
    public var hiddenNonFacePixels = 0
    var framePixels = 0

    public init() {}

    /// Mean over frames with faces of the visible share of their face area.
    public var meanVisibleShare: Double { framesWithFaces > 0 ? visibleShareSum / Double(framesWithFaces) : 0 }
    /// Hidden area that is not a face, as a share of all frame area.
    public var hiddenNonFaceShare: Double { framePixels > 0 ? Double(hiddenNonFacePixels) / Double(framePixels) : 0 }
    /// ... and as a multiple of the true face area.
    public var hiddenNonFacePerFaceArea: Double { facePixels > 0 ? Double(hiddenNonFacePixels) / Double(facePixels) : 0 }

    public static func total(_ parts: [RedactionScores]) -> RedactionScores {
        var t = RedactionScores()
        for p in parts {
            t.frames += p.frames; t.framesWithFaces += p.framesWithFaces; t.faceInstances += p.faceInstances
            t.visibleShareSum += p.visibleShareSum
            if p.worstFrame >= 0 && (t.worstFrame < 0 || p.worstVisibleShare > t.worstVisibleShare) {
                t.worstVisibleShare = p.worstVisibleShare; t.worstFrame = p.worstFrame
            }
            t.framesWithSlip += p.framesWithSlip; t.facesSlipped += p.facesSlipped
            t.slipFrames += p.slipFrames.prefix(max(0, listedSlips - t.slipFrames.count))
            t.facesPartlyVisible += p.facesPartlyVisible
            t.facePixels += p.facePixels; t.visibleFacePixels += p.visibleFacePixels
            t.hiddenNonFacePixels += p.hiddenNonFacePixels; t.framePixels += p.framePixels
        }
        return t
    }

    public var description: String {
        func pct(_ x: Double) -> String { String(Double(Int((x * 1000).rounded())) / 10) + " %" }
        return "visible face area: mean \(pct(meanVisibleShare)), worst frame \(pct(worstVisibleShare)) (frame \(worstFrame)); "
            + "frames with a face > 20 % visible: \(framesWithSlip) of \(framesWithFaces)"
            + (slipFrames.isEmpty ? "; " : " (frames \(slipFrames.map(String.init).joined(separator: ", "))); ")
            + "hidden non-face area: \(pct(hiddenNonFaceShare)) of the frame"
    }
}

/// Accumulates `RedactionScores` frame by frame. `hidden` is the frame's mask, one byte per
/// pixel (non-zero: hidden), row-major, `width` x `height`.
public struct RedactionMetrics: Sendable {
    public private(set) var scores = RedactionScores()
    private var isFace: [Bool] = []

    public init() {}

    public mutating func add(frame index: Int, width: Int, height: Int, hidden: [UInt8], faces: [Box],
                             blocked: Range<Int>? = nil) {
        precondition(hidden.count == width * height, "the mask must have one byte per pixel")
        scores.frames += 1
        scores.framePixels += width * height
        isFace.removeAll(keepingCapacity: true)
        isFace.append(contentsOf: repeatElement(false, count: width * height))
        var area = 0, visible = 0, slipped = false
        for box in faces {
            guard let r = Self.pixels(of: box, width: width, height: height) else { continue }
            var faceArea = 0, faceVisible = 0
            for y in r.y0..<r.y1 {
                for x in r.x0..<r.x1 {
                    isFace[y * width + x] = true
                    if blocked?.contains(x) == true { continue }  // the video itself shows nothing there
                    faceArea += 1
                    if hidden[y * width + x] == 0 { faceVisible += 1 }
                }
            }
            guard faceArea > 0 else { continue }
            scores.faceInstances += 1
            area += faceArea; visible += faceVisible
            if faceVisible > 0 { scores.facesPartlyVisible += 1 }
            if Double(faceVisible) > RedactionScores.slipShare * Double(faceArea) { scores.facesSlipped += 1; slipped = true }
        }
        for i in 0..<(width * height) where hidden[i] != 0 && !isFace[i] { scores.hiddenNonFacePixels += 1 }
        guard area > 0 else { return }
        scores.framesWithFaces += 1
        scores.facePixels += area
        scores.visibleFacePixels += visible
        let share = Double(visible) / Double(area)
        scores.visibleShareSum += share
        if scores.worstFrame < 0 || share > scores.worstVisibleShare { scores.worstVisibleShare = share; scores.worstFrame = index }
        if slipped {
            scores.framesWithSlip += 1
            if scores.slipFrames.count < RedactionScores.listedSlips { scores.slipFrames.append(index) }
        }
    }

    /// The pixels whose centres lie in the box, clipped to the frame; nil when none.
    static func pixels(of box: Box, width: Int, height: Int) -> (x0: Int, y0: Int, x1: Int, y1: Int)? {
        guard box.x.isFinite, box.y.isFinite, box.width.isFinite, box.height.isFinite else { return nil }
        func first(_ edge: Float) -> Int { Int((Double(edge) - 0.5).rounded(.up)) }
        let x0 = max(0, first(box.x)), x1 = min(width, first(box.x + box.width))
        let y0 = max(0, first(box.y)), y1 = min(height, first(box.y + box.height))
        return x0 < x1 && y0 < y1 ? (x0, y0, x1, y1) : nil
    }
}
