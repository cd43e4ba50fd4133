import FacepipeCore

/// Draws tracked faces onto the I420 frame at source resolution: an outline per face
/// (solid when a detection matched it this frame, dashed when the box is a prediction),
/// and a label "#<id> <score>" in the track's colour above the box.
///
/// Pixel rules (what the tests check): a box covers luma pixels [round(x), round(x + w))
/// by [round(y), round(y + h)); the outline is `thickness` pixels inside that rectangle;
/// chroma is set in every 2x2 block the outline touches; everything is clipped to the frame.
public final class FaceOverlay {
    /// Outline thickness and font scale for a given picture; nil picks them from its size.
    var fixedThickness: Int?
    var fixedFontScale: Int?
    /// Label text, reused between faces (ASCII).
    private var label: [UInt8] = []

    public init(thickness: Int? = nil, fontScale: Int? = nil) {
        fixedThickness = thickness.map { max(1, $0) }
        fixedFontScale = fontScale.map { max(1, $0) }
        label.reserveCapacity(32)
    }

    /// 1 px up to about 360p, then one more per 240 lines of the shorter side.
    static func defaultThickness(width: Int, height: Int) -> Int { max(1, (min(width, height) + 120) / 240) }

    public func draw(on frame: VideoFrame) { draw(frame.faces, on: frame) }

    public func draw(_ faces: [TrackedFace], on frame: VideoFrame) {
        guard frame.width > 0, frame.height > 0 else { return }
        let thickness = fixedThickness ?? Self.defaultThickness(width: frame.width, height: frame.height)
        let scale = fixedFontScale ?? thickness
        let canvas = PlaneCanvas(frame: frame)
        for face in faces {
            guard let rect = PixelRect(face.box) else { continue }
            let palette = Palette.index(forID: face.id)
            let color = Palette.colors[palette]
            if face.matched {
                drawSolidOutline(rect, thickness: thickness, color: color, canvas: canvas)
            } else {
                drawDashedOutline(rect, thickness: thickness, color: color, canvas: canvas)
            }
            drawLabel(face, above: rect, scale: scale, color: color, textLuma: Palette.textLuma[palette],
                      canvas: canvas)
        }
    }

    private func drawSolidOutline(_ r: PixelRect, thickness t: Int, color: YUVColor, canvas: PlaneCanvas) {
        let t = min(t, (r.x1 - r.x0 + 1) / 2, (r.y1 - r.y0 + 1) / 2)
        canvas.fill(x0: r.x0, y0: r.y0, x1: r.x1, y1: r.y0 + t, color: color)         // top
        canvas.fill(x0: r.x0, y0: r.y1 - t, x1: r.x1, y1: r.y1, color: color)         // bottom
        canvas.fill(x0: r.x0, y0: r.y0 + t, x1: r.x0 + t, y1: r.y1 - t, color: color) // left
        canvas.fill(x0: r.x1 - t, y0: r.y0 + t, x1: r.x1, y1: r.y1 - t, color: color) // right
    }

    /// Dashes of 4t pixels with gaps of 3t, starting at each corner.
    private func drawDashedOutline(_ r: PixelRect, thickness t: Int, color: YUVColor, canvas: PlaneCanvas) {
        let t = min(t, (r.x1 - r.x0 + 1) / 2, (r.y1 - r.y0 + 1) / 2)
        let dash = 4 * t, period = 7 * t
        var x = r.x0
        while x < r.x1 {
            let end = min(x + dash, r.x1)
            canvas.fill(x0: x, y0: r.y0, x1: end, y1: r.y0 + t, color: color)
            canvas.fill(x0: x, y0: r.y1 - t, x1: end, y1: r.y1, color: color)
            x += period
        }
        var y = r.y0
        while y < r.y1 {
            let end = min(y + dash, r.y1)
            canvas.fill(x0: r.x0, y0: y, x1: r.x0 + t, y1: end, color: color)
            canvas.fill(x0: r.x1 - t, y0: y, x1: r.x1, y1: end, color: color)
            y += period
        }
    }

    private func drawLabel(_ face: TrackedFace, above r: PixelRect, scale s: Int, color: YUVColor, textLuma: UInt8,
                           canvas: PlaneCanvas) {
        composeLabel(id: face.id, score: face.score)
        let width = (label.count * BitmapFont.advance + 1) * s
        let height = (BitmapFont.glyphHeight + 2) * s
        // Above the box when there is room, else just inside its top; kept inside the frame
        // horizontally when it fits, otherwise clipped at the right edge.
        let y0 = r.y0 - height >= 0 ? r.y0 - height : max(r.y0, 0)
        let x0 = max(0, min(r.x0, canvas.frame.width - width))
        canvas.fill(x0: x0, y0: y0, x1: x0 + width, y1: y0 + height, color: color)
        for (k, ascii) in label.enumerated() {
            let rows = BitmapFont.rows(for: ascii)
            let gx = x0 + (k * BitmapFont.advance + 1) * s
            for row in 0..<BitmapFont.glyphHeight {
                for col in 0..<BitmapFont.glyphWidth where BitmapFont.isSet(rows, col: col, row: row) {
                    let px = gx + col * s, py = y0 + (row + 1) * s
                    canvas.fillLuma(x0: px, y0: py, x1: px + s, y1: py + s, luma: textLuma)
                }
            }
        }
    }

    /// "#<id> <score with two decimals>", written into the reused buffer without formatting APIs.
    private func composeLabel(id: Int, score: Float) {
        label.removeAll(keepingCapacity: true)
        label.append(UInt8(ascii: "#"))
        appendDigits(of: max(0, id))
        label.append(UInt8(ascii: " "))
        let hundredths = Int((min(max(score.isFinite ? score : 0, 0), 1) * 100).rounded())
        appendDigits(of: hundredths / 100)
        label.append(UInt8(ascii: "."))
        label.append(UInt8(ascii: "0") + UInt8(hundredths / 10 % 10))
        label.append(UInt8(ascii: "0") + UInt8(hundredths % 10))
    }

    private func appendDigits(of value: Int) {
        var divisor = 1
        while value / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            label.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}

/// A box rounded to whole pixels, [x0, x1) x [y0, y1); nil for empty or non-finite boxes.
struct PixelRect {
    var x0: Int, y0: Int, x1: Int, y1: Int

    init?(_ box: Box) {
        guard box.x.isFinite, box.y.isFinite, box.width.isFinite, box.height.isFinite else { return nil }
        // Far-away coordinates are clamped before the integer conversion (which would trap).
        func pixel(_ v: Float) -> Int { Int(min(max(v, -1_000_000), 1_000_000).rounded()) }
        x0 = pixel(box.x); y0 = pixel(box.y)
        x1 = pixel(box.x + box.width); y1 = pixel(box.y + box.height)
        guard x1 > x0, y1 > y0 else { return nil }
    }
}
