import FacepipeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SSH head outputs into scored boxes, then NMS across modules. Buffers are sized once
/// and reused, so decoding a frame allocates nothing.
final class BoxDecoder {
    public let modules: [ModuleAnchors]
    public var settings: DetectionSettings
    private var candidates: [Candidate] = []
    private var order: [Int32] = []
    private var moduleStart = 0
    private var suppressed: [Bool] = []

    public init(modules: [ModuleAnchors], settings: DetectionSettings) {
        self.modules = modules
        self.settings = settings
        candidates.reserveCapacity(settings.preNMSTopK * modules.count)
        order.reserveCapacity(settings.preNMSTopK * modules.count)
        suppressed.reserveCapacity(settings.preNMSTopK * modules.count)
    }

    /// Starts a new image.
    public func reset() {
        candidates.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
    }

    /// Decodes one module. `cls` is [2K, H, W] and `reg` [4K, H, W], contiguous CHW floats
    /// (channel 2k = background, 2k+1 = face; 4k+j = dx, dy, dw, dh).
    func addModule(_ module: ModuleAnchors, cls: UnsafePointer<Float>, reg: UnsafePointer<Float>,
                          height: Int, width: Int) {
        let plane = height * width
        let k = module.sizes.count
        let stride = Float(module.stride)
        // score > t  <=>  face - bg > log(t / (1 - t)): compare logits, exp only for survivors.
        let t = min(max(settings.scoreThreshold, 1e-6), 1 - 1e-6)
        let logitThreshold = logf(t / (1 - t))
        moduleStart = candidates.count
        for y in 0..<height {
            for x in 0..<width {
                let cell = y * width + x
                for a in 0..<k {
                    let bg = cls[(2 * a) * plane + cell]
                    let face = cls[(2 * a + 1) * plane + cell]
                    let margin = face - bg
                    guard margin > logitThreshold else { continue }
                    let size = module.sizes[a]
                    let acx = (Float(x) + 0.5) * stride
                    let acy = (Float(y) + 0.5) * stride
                    let dx = reg[(4 * a) * plane + cell], dy = reg[(4 * a + 1) * plane + cell]
                    let dw = min(reg[(4 * a + 2) * plane + cell], maxLogScale)
                    let dh = min(reg[(4 * a + 3) * plane + cell], maxLogScale)
                    let cx = acx + dx * size, cy = acy + dy * size
                    let w = size * expf(dw), h = size * expf(dh)
                    candidates.append(Candidate(x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2,
                                                score: 1 / (1 + expf(-margin))))
                    order.append(Int32(order.count))
                }
            }
        }
        keepTopK(from: moduleStart)
    }

    /// Keeps the `preNMSTopK` best of the candidates added since `start`.
    private func keepTopK(from start: Int) {
        let count = candidates.count - start
        guard count > settings.preNMSTopK else { return }
        candidates.withUnsafeMutableBufferPointer { c in
            order.withUnsafeMutableBufferPointer { o in
                sortByScoreDescending(UnsafeMutableBufferPointer(rebasing: c[start...]),
                                      order: UnsafeMutableBufferPointer(rebasing: o[start...]))
            }
        }
        candidates.removeLast(count - settings.preNMSTopK)
        order.removeLast(count - settings.preNMSTopK)
    }

    /// Greedy NMS over all modules' candidates; appends survivors, mapped to source pixels
    /// (source = network / scale) and clipped to the source size, to `output`.
    public func finish(scaleX: Float, scaleY: Float, sourceWidth: Float, sourceHeight: Float,
                       into output: inout [Detection]) {
        candidates.withUnsafeMutableBufferPointer { c in
            order.withUnsafeMutableBufferPointer { o in sortByScoreDescending(c, order: o) }
        }
        suppressed.removeAll(keepingCapacity: true)
        suppressed.append(contentsOf: repeatElement(false, count: candidates.count))
        var kept = 0
        for i in 0..<candidates.count where !suppressed[i] {
            let c = candidates[i]
            let box = Box(x1: c.x1 / scaleX, y1: c.y1 / scaleY, x2: c.x2 / scaleX, y2: c.y2 / scaleY)
                .clipped(width: sourceWidth, height: sourceHeight)
            if box.area > 0 { output.append(Detection(box: box, score: c.score)) }
            kept += 1
            if kept >= settings.maxDetections { break }
            for j in (i + 1)..<candidates.count where !suppressed[j] {
                if c.iou(candidates[j]) > settings.nmsIoU { suppressed[j] = true }
            }
        }
    }
}
