import FacepipeCore

/// Hides faces on an I420 frame in place: blur, pixelate or fill every region in
/// `frame.redactions` (Y, U and V), each grown by the style's margin into an ellipse or a box.
/// Blur treats masks that overlap (directly or through others) as one: their bounding window is
/// blurred once with the largest of their radii. Pixelate and solid work mask by mask, in order.
///
/// Used from one thread. Scratch buffers grow to the largest face seen and are reused, so
/// after warm-up redacting allocates nothing.
public final class FaceRedactor {
    public let style: RedactionStyle
    private let fill: YUVColor
    // Scratch: the window of one plane being blurred, its row-filtered copy, column sums.
    private var window: UnsafeMutablePointer<UInt8>
    private var filtered: UnsafeMutablePointer<UInt8>
    private var windowCapacity = 0
    private var sums: UnsafeMutablePointer<Int32>
    private var sumsCapacity = 0
    // Pixelation: sums and means of one band of blocks.
    private var blockSums: UnsafeMutablePointer<Int>
    private var blockMeans: UnsafeMutablePointer<UInt8>
    private var blocksCapacity = 0
    // Per frame: the masks, their luma bounds, and the groups of overlapping ones.
    private var masks: [RedactionMask] = []
    private var lumaBounds: [(x0: Int, y0: Int, x1: Int, y1: Int)] = []
    private var parent: [Int] = []

    /// For the run's summary: frames seen, frames in which nothing was hidden (worth a look before
    /// publishing: a face there was never found), the first such frame's time, and masks applied.
    public private(set) var frames = 0
    private(set) var framesWithNothingHidden = 0
    private(set) var firstTimeWithNothingHidden: Double?
    private(set) var masksApplied = 0

    public init(style: RedactionStyle = .standard) {
        self.style = style
        fill = style.color.yuv
        masks.reserveCapacity(256); lumaBounds.reserveCapacity(256); parent.reserveCapacity(256)
        window = .allocate(capacity: 1)
        filtered = .allocate(capacity: 1)
        sums = .allocate(capacity: 1)
        blockSums = .allocate(capacity: 1)
        blockMeans = .allocate(capacity: 1)
    }

    deinit {
        window.deallocate()
        filtered.deallocate()
        sums.deallocate()
        blockSums.deallocate()
        blockMeans.deallocate()
    }

    public func redact(on frame: VideoFrame) {
        redact(frame.redactions, on: frame)
        frames += 1
        masksApplied += masks.count
        if masks.isEmpty {
            framesWithNothingHidden += 1
            if firstTimeWithNothingHidden == nil { firstTimeWithNothingHidden = frame.seconds }
        }
    }

    /// One line for the run's summary.
    public var summary: String {
        "redaction: \(masksApplied) masks over \(frames) frames; \(framesWithNothingHidden) frames with nothing hidden"
            + (firstTimeWithNothingHidden.map { String(format: " (first at %.3f s)", $0) } ?? "")
    }

    public func redact(_ boxes: [Box], on frame: VideoFrame) {
        guard frame.width > 0, frame.height > 0 else { return }
        masks.removeAll(keepingCapacity: true)
        for box in boxes {
            if let mask = RedactionMask(box: box, margin: style.margin, shape: style.shape,
                                        frameWidth: frame.width, frameHeight: frame.height) { masks.append(mask) }
        }
        guard style.mode == .blur else {
            for mask in masks { redact(mask, on: frame) }
            return
        }
        // Overlapping masks are blurred together, once, over the box bounding them all, with the
        // largest radius among them: a crowd costs one pass over its area, not one per face.
        groupMasks()
        for root in masks.indices where parent[root] == root {
            blurGroup(root, on: frame)
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
            masks.removeAll(keepingCapacity: true)
            masks.append(mask)
            parent.removeAll(keepingCapacity: true)
            parent.append(0)
            blurGroup(0, on: frame)
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

    /// The bounding box of the mask's pixels in this plane: [x0, x1) x [y0, y1), all zero when empty.
    private func bounds(_ mask: RedactionMask, chroma: Bool) -> (x0: Int, y0: Int, x1: Int, y1: Int) {
        var x0 = Int.max, x1 = Int.min, y0 = Int.max, y1 = Int.min
        for y in (chroma ? mask.chromaRowStart : mask.rowStart)..<(chroma ? mask.chromaRowEnd : mask.rowEnd) {
            let s = span(mask, y, chroma: chroma)
            guard s.x0 < s.x1 else { continue }
            x0 = min(x0, s.x0); x1 = max(x1, s.x1); y0 = min(y0, y); y1 = y + 1
        }
        return x0 < x1 ? (x0, y0, x1, y1) : (0, 0, 0, 0)
    }

    /// Union-find over `masks`: `parent[i] == i` for the first mask of each group of masks whose
    /// luma bounds overlap, directly or through others; every other mask points to its group's first.
    private func groupMasks() {
        let n = masks.count
        parent.removeAll(keepingCapacity: true)
        for i in 0..<n { parent.append(i) }
        lumaBounds.removeAll(keepingCapacity: true)
        for mask in masks { lumaBounds.append(bounds(mask, chroma: false)) }
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        for i in 0..<n {
            let a = lumaBounds[i]
            for j in (i + 1)..<max(n, i + 1) {
                let b = lumaBounds[j]
                guard a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1 else { continue }
                let ri = root(i), rj = root(j)
                if ri != rj { parent[max(ri, rj)] = min(ri, rj) }
            }
        }
        for i in 0..<n { parent[i] = root(i) }
    }

    /// Blurs the masks of one group (those with `parent[i] == first`) on every plane.
    private func blurGroup(_ first: Int, on frame: VideoFrame) {
        var radius = 1
        for i in first..<masks.count where parent[i] == first {
            radius = max(radius, style.pixels(style.blurRadius, faceSize: masks[i].faceSize))
        }
        blur(frame.planes.y, stride: frame.strides.y, group: first, chroma: false, radius: radius)
        let chromaRadius = max(1, (radius + 1) / 2)
        blur(frame.planes.u, stride: frame.strides.u, group: first, chroma: true, radius: chromaRadius)
        blur(frame.planes.v, stride: frame.strides.v, group: first, chroma: true, radius: chromaRadius)
    }

    /// Blurs the bounding window of a group's masks in one plane in scratch (edges replicated),
    /// then writes back only the masks' own pixels.
    private func blur(_ plane: UnsafeMutablePointer<UInt8>, stride: Int, group first: Int, chroma: Bool, radius: Int) {
        var b = (x0: Int.max, y0: Int.max, x1: Int.min, y1: Int.min)
        for i in first..<masks.count where parent[i] == first {
            let m = bounds(masks[i], chroma: chroma)
            guard m.x0 < m.x1 else { continue }
            b = (min(b.x0, m.x0), min(b.y0, m.y0), max(b.x1, m.x1), max(b.y1, m.y1))
        }
        guard b.x0 < b.x1 else { return }  // no pixel centre inside any of them
        let width = b.x1 - b.x0, height = b.y1 - b.y0
        reserve(window: width * height, columns: width)
        for y in 0..<height {
            (window + y * width).update(from: plane + (b.y0 + y) * stride + b.x0, count: width)
        }
        BoxBlur.blur(window, width: width, height: height, radius: radius, scratch: filtered, sums: sums)
        for i in first..<masks.count where parent[i] == first {
            let mask = masks[i]
            for y in (chroma ? mask.chromaRowStart : mask.rowStart)..<(chroma ? mask.chromaRowEnd : mask.rowEnd) {
                let s = span(mask, y, chroma: chroma)
                guard s.x0 < s.x1 else { continue }
                (plane + y * stride + s.x0).update(from: window + (y - b.y0) * width + (s.x0 - b.x0), count: s.x1 - s.x0)
            }
        }
    }

    /// Replaces the mask's pixels by the mean of their block; blocks are `block` pixels square,
    /// laid from (originX, originY), and averaged over the part inside the mask's bounding window.
    /// One band of blocks at a time: sum its rows once, then write each row's span.
    private func pixelate(_ plane: UnsafeMutablePointer<UInt8>, stride: Int, mask: RedactionMask, chroma: Bool,
                          block: Int, originX: Int, originY: Int) {
        let b = bounds(mask, chroma: chroma)
        guard b.x0 < b.x1, b.y0 < b.y1 else { return }
        let firstX = originX + floorDiv(b.x0 - originX, block) * block
        let across = (b.x1 - firstX + block - 1) / block
        reserve(blocks: across)
        var by = originY + floorDiv(b.y0 - originY, block) * block
        while by < b.y1 {
            let y0 = max(by, b.y0), y1 = min(by + block, b.y1)
            blockSums.update(repeating: 0, count: across)
            for y in y0..<y1 {
                let row = plane + y * stride
                for k in 0..<across {
                    var sum = 0
                    for x in max(firstX + k * block, b.x0)..<min(firstX + (k + 1) * block, b.x1) { sum += Int(row[x]) }
                    blockSums[k] += sum
                }
            }
            for k in 0..<across {
                let count = (y1 - y0) * (min(firstX + (k + 1) * block, b.x1) - max(firstX + k * block, b.x0))
                blockMeans[k] = UInt8(truncatingIfNeeded: (blockSums[k] + count / 2) / count)
            }
            for y in y0..<y1 {
                let s = span(mask, y, chroma: chroma)
                guard s.x0 < s.x1 else { continue }
                var x = s.x0
                while x < s.x1 {
                    let k = (x - firstX) / block
                    let end = min(firstX + (k + 1) * block, s.x1)
                    (plane + y * stride + x).update(repeating: blockMeans[k], count: end - x)
                    x = end
                }
            }
            by += block
        }
    }

    private func reserve(blocks: Int) {
        guard blocks > blocksCapacity else { return }
        blockSums.deallocate(); blockMeans.deallocate()
        blocksCapacity = max(blocks, blocksCapacity * 2)
        blockSums = .allocate(capacity: blocksCapacity)
        blockMeans = .allocate(capacity: blocksCapacity)
    }

    private func reserve(window needed: Int, columns: Int) {
        if needed > windowCapacity {
            window.deallocate(); filtered.deallocate()
            windowCapacity = max(needed, windowCapacity * 2)
            window = .allocate(capacity: windowCapacity)
            filtered = .allocate(capacity: windowCapacity)
        }
        if columns > sumsCapacity {
            sums.deallocate()
            sumsCapacity = max(columns, sumsCapacity * 2)
            sums = .allocate(capacity: sumsCapacity)
        }
    }
}

@inline(__always) private func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
@inline(__always) private func floorHalf(_ a: Int) -> Int { floorDiv(a, 2) }
