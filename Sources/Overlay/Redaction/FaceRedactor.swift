import FacepipeCore

/// Hides faces on an I420 frame in place: blur, pixelate or fill every region in
/// `frame.redactions` (Y, U and V), each grown by the style's margin into an ellipse or a box.
/// Regions are processed in order; where two overlap, the second works on the first's result.
///
/// Used from one thread. Scratch buffers grow to the largest face seen and are reused, so
/// after warm-up redacting allocates nothing.
public final class FaceRedactor {
    public let style: RedactionStyle
    private let fill: YUVColor
    // Scratch: the blurred window of one plane, and one row or column of it.
    private var window: UnsafeMutablePointer<UInt8>
    private var windowCapacity = 0
    private var line: UnsafeMutablePointer<UInt8>
    private var lineCapacity = 0

    public init(style: RedactionStyle = .standard) {
        self.style = style
        fill = style.color.yuv
        window = .allocate(capacity: 1)
        line = .allocate(capacity: 1)
    }

    deinit {
        window.deallocate()
        line.deallocate()
    }

    public func redact(on frame: VideoFrame) { redact(frame.redactions, on: frame) }

    public func redact(_ boxes: [Box], on frame: VideoFrame) {
        guard frame.width > 0, frame.height > 0 else { return }
        for box in boxes {
            guard let mask = RedactionMask(box: box, margin: style.margin, shape: style.shape,
                                           frameWidth: frame.width, frameHeight: frame.height) else { continue }
            redact(mask, on: frame)
        }
    }

    /// Hides one mask's pixels.
    public func redact(_ mask: RedactionMask, on frame: VideoFrame) {
        switch style.mode {
        case .solid:
            for y in mask.rowStart..<mask.rowEnd {
                let s = mask.span(row: y)
                if s.x0 < s.x1 { (frame.planes.y + y * frame.strides.y + s.x0).update(repeating: fill.y, count: s.x1 - s.x0) }
            }
            for row in mask.chromaRowStart..<mask.chromaRowEnd {
                let s = mask.chromaSpan(row: row)
                guard s.x0 < s.x1 else { continue }
                (frame.planes.u + row * frame.strides.u + s.x0).update(repeating: fill.u, count: s.x1 - s.x0)
                (frame.planes.v + row * frame.strides.v + s.x0).update(repeating: fill.v, count: s.x1 - s.x0)
            }
        case .blur:
            let radius = style.pixels(style.blurRadius, faceSize: mask.faceSize)
            let chromaRadius = max(1, (radius + 1) / 2)
            blur(frame.planes.y, stride: frame.strides.y, mask: mask, chroma: false, radius: radius)
            blur(frame.planes.u, stride: frame.strides.u, mask: mask, chroma: true, radius: chromaRadius)
            blur(frame.planes.v, stride: frame.strides.v, mask: mask, chroma: true, radius: chromaRadius)
        case .pixelate:
            let block = style.pixels(style.blockSize, faceSize: mask.faceSize)
            let chromaBlock = max(1, (block + 1) / 2)
            pixelate(frame.planes.y, stride: frame.strides.y, mask: mask, chroma: false, block: block,
                     originX: mask.originX, originY: mask.originY)
            let cx = floorHalf(mask.originX), cy = floorHalf(mask.originY)
            pixelate(frame.planes.u, stride: frame.strides.u, mask: mask, chroma: true, block: chromaBlock,
                     originX: cx, originY: cy)
            pixelate(frame.planes.v, stride: frame.strides.v, mask: mask, chroma: true, block: chromaBlock,
                     originX: cx, originY: cy)
        }
    }

    @inline(__always) private func span(_ mask: RedactionMask, _ row: Int, chroma: Bool) -> (x0: Int, x1: Int) {
        chroma ? mask.chromaSpan(row: row) : mask.span(row: row)
    }

    /// The mask's rows and the columns its spans reach, in this plane's pixels.
    private func bounds(_ mask: RedactionMask, chroma: Bool) -> (x0: Int, y0: Int, x1: Int, y1: Int) {
        let y0 = chroma ? mask.chromaRowStart : mask.rowStart
        let y1 = chroma ? mask.chromaRowEnd : mask.rowEnd
        var x0 = Int.max, x1 = Int.min
        for y in y0..<y1 {
            let s = span(mask, y, chroma: chroma)
            if s.x0 < s.x1 { x0 = min(x0, s.x0); x1 = max(x1, s.x1) }
        }
        return x0 < x1 ? (x0, y0, x1, y1) : (0, 0, 0, 0)
    }

    /// Blurs the mask's bounding window of one plane in scratch, then writes back only the mask's pixels.
    private func blur(_ plane: UnsafeMutablePointer<UInt8>, stride: Int, mask: RedactionMask, chroma: Bool, radius: Int) {
        let b = bounds(mask, chroma: chroma)
        let width = b.x1 - b.x0, height = b.y1 - b.y0
        guard width > 0, height > 0 else { return }
        reserve(window: width * height, line: max(width, height))
        for y in 0..<height {
            (window + y * width).update(from: plane + (b.y0 + y) * stride + b.x0, count: width)
        }
        BoxBlur.blur(window, width: width, height: height, radius: radius, line: line)
        for y in b.y0..<b.y1 {
            let s = span(mask, y, chroma: chroma)
            guard s.x0 < s.x1 else { continue }
            (plane + y * stride + s.x0).update(from: window + (y - b.y0) * width + (s.x0 - b.x0), count: s.x1 - s.x0)
        }
    }

    /// Replaces the mask's pixels by the mean of their block; blocks are `block` pixels square,
    /// laid from (originX, originY), and averaged over the part inside the mask's bounding window.
    private func pixelate(_ plane: UnsafeMutablePointer<UInt8>, stride: Int, mask: RedactionMask, chroma: Bool,
                          block: Int, originX: Int, originY: Int) {
        let b = bounds(mask, chroma: chroma)
        guard b.x0 < b.x1, b.y0 < b.y1 else { return }
        var by = originY + floorDiv(b.y0 - originY, block) * block
        while by < b.y1 {
            let y0 = max(by, b.y0), y1 = min(by + block, b.y1)
            var bx = originX + floorDiv(b.x0 - originX, block) * block
            while bx < b.x1 {
                let x0 = max(bx, b.x0), x1 = min(bx + block, b.x1)
                var sum = 0
                for y in y0..<y1 {
                    let row = plane + y * stride
                    for x in x0..<x1 { sum += Int(row[x]) }
                }
                let count = (y1 - y0) * (x1 - x0)
                let mean = UInt8(truncatingIfNeeded: (sum + count / 2) / count)
                for y in y0..<y1 {
                    let s = span(mask, y, chroma: chroma)
                    let from = max(s.x0, x0), to = min(s.x1, x1)
                    if from < to { (plane + y * stride + from).update(repeating: mean, count: to - from) }
                }
                bx += block
            }
            by += block
        }
    }

    private func reserve(window needed: Int, line lineNeeded: Int) {
        if needed > windowCapacity {
            window.deallocate()
            windowCapacity = max(needed, windowCapacity * 2)
            window = .allocate(capacity: windowCapacity)
        }
        if lineNeeded > lineCapacity {
            line.deallocate()
            lineCapacity = max(lineNeeded, lineCapacity * 2)
            line = .allocate(capacity: lineCapacity)
        }
    }
}

@inline(__always) private func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
@inline(__always) private func floorHalf(_ a: Int) -> Int { floorDiv(a, 2) }
