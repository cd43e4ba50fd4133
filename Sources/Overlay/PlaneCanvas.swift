import FacepipeCore

/// Rectangle filling on an I420 frame, clipped to the picture. Rectangles are in luma
/// pixels, half-open: [x0, x1) x [y0, y1).
struct PlaneCanvas {
    let frame: VideoFrame

    /// Sets luma inside the rectangle and chroma in every 2x2 block it touches.
    @inline(__always) func fill(x0: Int, y0: Int, x1: Int, y1: Int, color: YUVColor) {
        fillLuma(x0: x0, y0: y0, x1: x1, y1: y1, luma: color.y)
        let cx0 = max(x0, 0) / 2, cy0 = max(y0, 0) / 2
        let cx1 = (min(x1, frame.width) + 1) / 2, cy1 = (min(y1, frame.height) + 1) / 2
        guard cx0 < cx1, cy0 < cy1 else { return }
        for row in cy0..<cy1 {
            (frame.planes.u + row * frame.strides.u + cx0).update(repeating: color.u, count: cx1 - cx0)
            (frame.planes.v + row * frame.strides.v + cx0).update(repeating: color.v, count: cx1 - cx0)
        }
    }

    /// Sets luma only (label text, so the label keeps its hue).
    @inline(__always) func fillLuma(x0: Int, y0: Int, x1: Int, y1: Int, luma: UInt8) {
        let cx0 = max(x0, 0), cy0 = max(y0, 0)
        let cx1 = min(x1, frame.width), cy1 = min(y1, frame.height)
        guard cx0 < cx1, cy0 < cy1 else { return }
        for row in cy0..<cy1 {
            (frame.planes.y + row * frame.strides.y + cx0).update(repeating: luma, count: cx1 - cx0)
        }
    }
}
