import Foundation
import Testing
@testable import Engine
@testable import FacepipeCore
import TestSupport
@testable import Detector

/// The shipped model end to end against PyTorch (Tools/export.py --golden): the same picture
/// gives the same final boxes after decode and NMS 0.3, in source pixels.
@Suite struct GoldenDetectionTests {
    struct GoldenInfo: Decodable {
        var model: String
        var resized: [Int]
        var scale: [Float]
        var padded: [Int]
        var score_threshold: Float
        var nms_iou: Float
        var pre_nms_top_k: Int
        var max_detections: Int
        var image: String
        var source: String
    }

    @Test func shippedModelFinalBoxesMatchPyTorch() throws {
        let dir = TestPaths.repo("Tests/Fixtures/golden/ssh-lite")
        let info = try StrictYAML.decode(GoldenInfo.self, fromFile: dir.appendingPathComponent("golden.yaml").path)
        let golden = try SafeTensors.load(path: dir.appendingPathComponent("golden.safetensors").path)
        let model = try ModelFile.load(directory: TestPaths.repo("Configs/models/\(info.model)").path)
        let detector = try FaceDetector(model: model, backend: FP32Backend(model: model, threads: 2))

        // Rebuild the resized RGB picture from the normalised input: x = (p - 128) / 128 exactly.
        let shape = try #require(golden.info("image")?.shape)
        let pixels = try golden.floats("image")
        let (w, h) = (info.resized[0], info.resized[1])
        let image = RGBImage(width: w, height: h)
        let plane = shape[2] * shape[3]
        for y in 0..<h { for x in 0..<w { for c in 0..<3 {
            let v = pixels[c * plane + y * shape[3] + x] * 128 + 128
            image.pixels[y * image.stride + 3 * x + c] = UInt8(v.rounded())
        } } }
        image.scaleX = 1 / info.scale[0]
        image.scaleY = 1 / info.scale[1]
        let sourceW = Int((Float(w) / info.scale[0]).rounded()), sourceH = Int((Float(h) / info.scale[1]).rounded())

        var detections: [Detection] = []
        try detector.detect(image, sourceWidth: sourceW, sourceHeight: sourceH, into: &detections)
        let boxes = try golden.floats("boxes")
        var expected: [Detection] = []
        for i in Swift.stride(from: 0, to: boxes.count, by: 5) {
            let box = Box(x1: boxes[i], y1: boxes[i + 1], x2: boxes[i + 2], y2: boxes[i + 3])
                .clipped(width: Float(sourceW), height: Float(sourceH))
            if box.area > 0 { expected.append(Detection(box: box, score: boxes[i + 4])) }
        }
        #expect(!expected.isEmpty, "the golden picture should contain detected faces")
        #expect(detections.count == expected.count)
        for (got, want) in zip(detections, expected) {
            let scoreError: Float = Swift.abs(got.score - want.score)
            #expect(scoreError < 1e-3, "score \(got.score) vs \(want.score)")
            let edges: [Float] = [got.box.x - want.box.x, got.box.y - want.box.y,
                                  got.box.maxX - want.box.maxX, got.box.maxY - want.box.maxY]
            let worst: Float = edges.map { Swift.abs($0) }.max() ?? 0
            #expect(worst < 0.05, "box \(got.box) vs \(want.box)")
        }
    }
}
