import Testing
import FacepipeCore
@testable import Detector

/// Builds CHW head tensors for one module where every anchor is background except the ones set.
private struct Heads {
    var cls: [Float]
    var reg: [Float]
    let k: Int, h: Int, w: Int
    init(k: Int, h: Int, w: Int) {
        self.k = k; self.h = h; self.w = w
        cls = [Float](repeating: 0, count: 2 * k * h * w)
        reg = [Float](repeating: 0, count: 4 * k * h * w)
        for a in 0..<k { for i in 0..<(h * w) { cls[(2 * a + 1) * h * w + i] = -10 } }  // face logit low
    }
    mutating func set(x: Int, y: Int, anchor a: Int, faceLogit: Float, deltas: (Float, Float, Float, Float) = (0, 0, 0, 0)) {
        let plane = h * w, cell = y * w + x
        cls[(2 * a) * plane + cell] = 0
        cls[(2 * a + 1) * plane + cell] = faceLogit
        reg[(4 * a) * plane + cell] = deltas.0
        reg[(4 * a + 1) * plane + cell] = deltas.1
        reg[(4 * a + 2) * plane + cell] = deltas.2
        reg[(4 * a + 3) * plane + cell] = deltas.3
    }
}

private let m1 = ModuleAnchors(name: "m1", stride: 8, sizes: [16, 32], clsTensor: "m1_cls", regTensor: "m1_reg")

private func decode(_ heads: Heads, settings: DetectionSettings = DetectionSettings(),
                    scale: Float = 1, source: (Float, Float) = (1000, 1000)) -> [Detection] {
    let d = BoxDecoder(modules: [m1], settings: settings)
    d.reset()
    heads.cls.withUnsafeBufferPointer { c in
        heads.reg.withUnsafeBufferPointer { r in
            d.addModule(m1, cls: c.baseAddress!, reg: r.baseAddress!, height: heads.h, width: heads.w)
        }
    }
    var out: [Detection] = []
    d.finish(scaleX: scale, scaleY: scale, sourceWidth: source.0, sourceHeight: source.1, into: &out)
    return out
}

@Suite struct BoxDecoderTests {
    @Test func anchorCentreAndSizeByHand() {
        var heads = Heads(k: 2, h: 4, w: 5)
        heads.set(x: 2, y: 1, anchor: 1, faceLogit: 3)  // score = 1/(1+e^-3) = 0.9526
        let dets = decode(heads)
        #expect(dets.count == 1)
        // Anchor 32 px centred at ((2+0.5)*8, (1+0.5)*8) = (20, 12): box [4, -4, 36, 28], clipped at y = 0.
        #expect(dets[0].box == Box(x1: 4, y1: 0, x2: 36, y2: 28))
        #expect(abs(dets[0].score - 0.95257413) < 1e-6)
    }

    @Test func deltasMoveAndScaleTheAnchor() {
        var heads = Heads(k: 2, h: 4, w: 5)
        // Anchor 16 at (1,1): centre (12,12). dx=0.5 -> cx = 12 + 8 = 20; dw = ln 2 -> w = 32.
        heads.set(x: 1, y: 1, anchor: 0, faceLogit: 2, deltas: (0.5, -0.25, logf(2), 0))
        let dets = decode(heads, scale: 0.5)  // network = source * 0.5: source boxes are twice as large
        #expect(dets.count == 1)
        let b = dets[0].box
        // Network box: cx 20, cy 8, w 32, h 16 -> [4, 0, 36, 16]; in source pixels x2: [8, 0, 72, 32].
        #expect(abs(b.x - 8) < 1e-4 && abs(b.y - 0) < 1e-4 && abs(b.width - 64) < 1e-4 && abs(b.height - 32) < 1e-4)
    }

    @Test func thresholdIsOnTheSoftmaxScore() {
        var heads = Heads(k: 2, h: 2, w: 2)
        heads.set(x: 0, y: 0, anchor: 0, faceLogit: 0.01)   // 0.5025: kept at 0.5
        heads.set(x: 1, y: 1, anchor: 0, faceLogit: -0.01)  // 0.4975: dropped
        #expect(decode(heads).count == 1)
        #expect(decode(heads, settings: DetectionSettings(scoreThreshold: 0.4)).count == 2)
    }

    @Test func nmsKeepsTheBestOfOverlappingBoxes() {
        var heads = Heads(k: 2, h: 4, w: 6)
        // Two 16 px anchors one cell apart (IoU of [0,0,16,16] vs [8,0,24,16] = 1/3 > 0.3): only the better survives.
        heads.set(x: 1, y: 1, anchor: 0, faceLogit: 2)
        heads.set(x: 2, y: 1, anchor: 0, faceLogit: 4)
        // A third far away survives.
        heads.set(x: 5, y: 3, anchor: 0, faceLogit: 1)
        let dets = decode(heads)
        #expect(dets.count == 2)
        #expect(dets[0].box == Box(x1: 12, y1: 4, x2: 28, y2: 20))
        #expect(dets[0].score > dets[1].score)
        // At NMS 0.4 the pair (IoU 1/3) no longer suppresses.
        #expect(decode(heads, settings: DetectionSettings(nmsIoU: 0.4)).count == 3)
    }

    @Test func topKAndMaxDetectionsBound() {
        var heads = Heads(k: 2, h: 8, w: 8)
        for y in stride(from: 0, to: 8, by: 4) { for x in stride(from: 0, to: 8, by: 4) {
            heads.set(x: x, y: y, anchor: 0, faceLogit: Float(x + y) / 4 + 1)
        } }
        #expect(decode(heads).count == 4)
        #expect(decode(heads, settings: DetectionSettings(preNMSTopK: 2)).count == 2)
        let best = decode(heads, settings: DetectionSettings(maxDetections: 1))
        #expect(best.count == 1 && best[0].box.x == 28)  // cell (4,4) has the highest logit
    }

    @Test func heapsortOrdersByScoreThenIndex() {
        var items = [Float](arrayLiteral: 0.2, 0.9, 0.5, 0.9, 0.1, 0.5, 0.7).map { Candidate(x1: 0, y1: 0, x2: 1, y2: 1, score: $0) }
        var order = (0..<Int32(items.count)).map { $0 }
        items.withUnsafeMutableBufferPointer { i in order.withUnsafeMutableBufferPointer { o in sortByScoreDescending(i, order: o) } }
        #expect(items.map(\.score) == [0.9, 0.9, 0.7, 0.5, 0.5, 0.2, 0.1])
        #expect(order == [1, 3, 6, 2, 5, 0, 4])
    }
}

#if canImport(Glibc)
import Glibc
#endif
