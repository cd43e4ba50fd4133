import Testing
import Foundation
import TestSupport
@testable import Engine

/// Exported models against the exporter's golden tensors (Tools/export.py --golden):
/// `Tests/Fixtures/golden/<model>/golden.safetensors` holds the normalised input `image` and
/// PyTorch's output of every detection head for `Configs/models/<model>`.
@Suite struct GoldenModelTests {
    static let goldenRoot = TestPaths.repo("Tests/Fixtures/golden")

    static var models: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: goldenRoot.path)) ?? []
        return names.filter {
            FileManager.default.fileExists(atPath: goldenRoot.appendingPathComponent("\($0)/golden.safetensors").path)
        }.sorted()
    }

    @Test func shippedModelHasGoldens() {
        #expect(Self.models.contains("ssh-lite"), "Tests/Fixtures/golden/ssh-lite is missing (Tools/export.py --golden)")
    }

    @Test(arguments: models)
    func headsMatchPyTorch(_ name: String) throws {
        let golden = try SafeTensors.load(path: Self.goldenRoot.appendingPathComponent("\(name)/golden.safetensors").path)
        let model = try ModelFile.load(directory: TestPaths.repo("Configs/models/\(name)").path)
        let imageShape = try #require(golden.info("image")?.shape)
        let net = try FP32Network(model: model, inputWidth: imageShape[3], inputHeight: imageShape[2], threads: 2)
        _ = try golden.floats("image").withUnsafeBufferPointer { net.input.update(fromContentsOf: $0) }
        net.run()
        let heads = golden.names.filter { $0 != "image" && $0 != "boxes" }
        #expect(!heads.isEmpty)
        for head in heads {
            let out = try net.output(named: head)
            #expect(golden.info(head)?.shape == out.shape.nchw, "shape of \(head)")
            let error = relativeError(out.data, try golden.floats(head))
            #expect(error <= 1e-4, "\(name) \(head): relative error \(error)")
        }
    }
}
