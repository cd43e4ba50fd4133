import FacepipeCore
import Foundation

/// The pixels hidden for one face: its box grown by the margin on every side, as the ellipse
/// inscribed in the grown box or the grown box itself, clipped to the frame.
///
/// Pixel rule (what the tests check): a luma pixel is inside when its centre (x + 0.5, y + 0.5)
/// is inside the shape (strictly, for the ellipse; [x0, x1) x [y0, y1) for the rectangle).
/// Chroma is hidden in every 2x2 block the luma mask touches, so no face colour is left at the rim.
public struct RedactionMask: Sendable, Equatable {
    public let shape: RedactionStyle.Shape
    /// Centre and half-sizes of the grown box, luma pixels.
    public let centerX: Double, centerY: Double, halfWidth: Double, halfHeight: Double
    /// The face size (larger side of the box before the margin): blur radius and blocks scale with it.
    let faceSize: Float
    public let frameWidth: Int, frameHeight: Int
    /// Luma rows that may hold mask pixels, clipped to the frame: [rowStart, rowEnd).
    public let rowStart: Int, rowEnd: Int

    /// Nil for a broken box (empty, not finite) or a mask wholly outside the frame.
    public init?(box: Box, margin: Float, shape: RedactionStyle.Shape, frameWidth: Int, frameHeight: Int) {
        guard box.x.isFinite, box.y.isFinite, box.width.isFinite, box.height.isFinite,
              box.width > 0, box.height > 0, frameWidth > 0, frameHeight > 0, margin.isFinite else { return nil }
        // Far-away coordinates are clamped so the integer conversions below cannot trap.
        func clamp(_ v: Double) -> Double { min(max(v, -1_000_000), 1_000_000) }
        let grow = Double(max(margin, 0))
        self.shape = shape
        centerX = clamp(Double(box.x) + Double(box.width) / 2)
        centerY = clamp(Double(box.y) + Double(box.height) / 2)
        halfWidth = min(Double(box.width) * (0.5 + grow), 1_000_000)
        halfHeight = min(Double(box.height) * (0.5 + grow), 1_000_000)
        faceSize = max(box.width, box.height)
        self.frameWidth = frameWidth
        self.frameHeight = frameHeight
        rowStart = max(0, Self.firstInside(centerY - halfHeight))
        rowEnd = min(frameHeight, Self.firstInside(centerY + halfHeight))
        guard rowStart < rowEnd else { return nil }
        let columns = Self.firstInside(centerX - halfWidth)..<Self.firstInside(centerX + halfWidth)
        guard columns.clamped(to: 0..<frameWidth).count > 0 else { return nil }
    }

    /// The first pixel index whose centre is at or past `edge`: ceil(edge - 0.5).
    @inline(__always) static func firstInside(_ edge: Double) -> Int { Int((edge - 0.5).rounded(.up)) }

    /// Unclipped top-left pixel of the grown box (pixelation blocks are laid from here, so they move with the face).
    var originX: Int { Self.firstInside(centerX - halfWidth) }
    var originY: Int { Self.firstInside(centerY - halfHeight) }

    /// Luma columns [x0, x1) of row `y` inside the mask, clipped to the frame; empty when x0 >= x1.
    @inline(__always) public func span(row y: Int) -> (x0: Int, x1: Int) {
        guard y >= rowStart && y < rowEnd else { return (0, 0) }
        let half: Double
        switch shape {
        case .rectangle:
            half = halfWidth
        case .ellipse:
            let dy = (Double(y) + 0.5 - centerY) / halfHeight
            let rest = 1 - dy * dy
            guard rest > 0 else { return (0, 0) }
            half = halfWidth * rest.squareRoot()
        }
        var x0: Int, x1: Int
        if shape == .rectangle {
            x0 = Self.firstInside(centerX - half)
        } else {
            // Strictly inside: x + 0.5 > centre - half.
            x0 = Int((centerX - half - 0.5).rounded(.down)) + 1
        }
        x1 = Self.firstInside(centerX + half)
        x0 = max(x0, 0); x1 = min(x1, frameWidth)
        return x0 < x1 ? (x0, x1) : (0, 0)
    }

    /// Chroma columns [x0, x1) of chroma row `row`: every 2x2 block touched by luma rows 2·row and 2·row + 1.
    @inline(__always) func chromaSpan(row: Int) -> (x0: Int, x1: Int) {
        let a = span(row: 2 * row), b = span(row: 2 * row + 1)
        let aEmpty = a.x0 >= a.x1, bEmpty = b.x0 >= b.x1
        if aEmpty && bEmpty { return (0, 0) }
        let x0 = aEmpty ? b.x0 : (bEmpty ? a.x0 : min(a.x0, b.x0))
        let x1 = aEmpty ? b.x1 : (bEmpty ? a.x1 : max(a.x1, b.x1))
        return (x0 / 2, (x1 + 1) / 2)
    }

    /// Chroma rows that may hold mask pixels: [start, end).
    var chromaRowStart: Int { rowStart / 2 }
    var chromaRowEnd: Int { (rowEnd + 1) / 2 }
}
