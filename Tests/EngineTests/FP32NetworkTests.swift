import Testing
import Foundation
@testable import Engine

/// The fixture model (Tools/tests/engine_fixtures.py: every op, random weights) against
/// PyTorch's output for every layer, at two input sizes and two thread counts.
@Suite struct FP32NetworkTests {
    @Test(arguments: [(64, 96), (96, 32)], [1, 2])
    func everyLayerMatchesPyTorch(_ size: (h: Int, w: Int), threads: Int) throws {
        let model = try ModelFile.load(directory: TestModels.tinyDirectory)
        let expected = try SafeTensors.load(path: TestModels.tinyDirectory + "/expected_\(size.h)x\(size.w).safetensors")
        let net = try FP32Network(model: model, inputWidth: size.w, inputHeight: size.h, threads: threads)
        let image = try expected.floats("image")
        #expect(expected.info("image")?.shape == net.inputShape.nchw)
        _ = image.withUnsafeBufferPointer { net.input.update(fromContentsOf: $0) }
        net.run()
        for layer in model.layers {
            let out = try net.output(named: layer.name)
            #expect(expected.info(layer.name)?.shape == out.shape.nchw, "shape of \(layer.name)")
            let error = relativeError(out.data, try expected.floats(layer.name))
            #expect(error <= 1e-4, "layer \(layer.name): relative error \(error)")
        }
    }

    @Test func runsAreRepeatableAndBuffersStayPut() throws {
        let model = try ModelFile.load(directory: TestModels.tinyDirectory)
        let net = try FP32Network(model: model, inputWidth: 64, inputHeight: 32, threads: 2)
        let head = try net.output(named: "m1_cls")
        TestModels.runRandom(net, seed: 3)
        let first = head.array
        TestModels.runRandom(net, seed: 4)
        #expect(head.array != first)
        TestModels.runRandom(net, seed: 3)
        #expect(head.array == first, "a view looked up once must show every later run")
    }

    @Test func reportsMacsAndLayerTimes() throws {
        let model = try ModelFile.load(directory: TestModels.tinyDirectory)
        let net = try FP32Network(model: model, inputWidth: 96, inputHeight: 64)
        let stem1 = net.layers[0]
        #expect(stem1.name == "stem1" && stem1.op == "conv")
        #expect(stem1.outputShape == TensorShape(channels: 8, height: 32, width: 48))
        #expect(stem1.macs == 8 * 32 * 48 * 3 * 3 * 3)
        #expect(net.layers.first { $0.name == "b1g" }!.macs == 16 * 8 * 12 * 8 * 9)  // groups 2: 8 inputs per output
        #expect(net.layers.first { $0.name == "pool" }!.macs == 0)
        #expect(net.plan.totalMacs == net.layers.map(\.macs).reduce(0, +))
        net.run()
        #expect(net.layerNanoseconds.allSatisfy { $0 == 0 }, "timing is off by default")
        net.recordsLayerTimes = true
        net.run()
        #expect(net.layerNanoseconds.count == model.layers.count)
        #expect(net.layerNanoseconds.reduce(0, +) > 0)
    }

    @Test func unknownOutputNameIsAnError() throws {
        let model = try ModelFile.load(directory: TestModels.tinyDirectory)
        let net = try FP32Network(model: model, inputWidth: 32, inputHeight: 32)
        #expect(throws: ModelError.self) { _ = try net.output(named: "m4_cls") }
        do {
            _ = try net.output(named: "m4_cls")
        } catch let error as ModelError {
            #expect(error.kind == .unknownTensor)
            #expect(error.description.contains("tensor 'm4_cls': no such tensor"))
        }
    }

    @Test func inputSizesThatDoNotFitTheGraphAreNamed() throws {
        let model = try ModelFile.load(directory: TestModels.tinyDirectory)
        // 40 is not a multiple of 32: the upsampled stride-16 map (3 -> 6) misses the stride-8 map (5).
        do {
            _ = try FP32Network(model: model, inputWidth: 40, inputHeight: 32)
            Issue.record("a misaligned input size was planned")
        } catch let error as ModelError {
            #expect(error.kind == .badInputSize)
            #expect(error.subject == "layer 'fuse'")
            #expect(error.problem.contains("add inputs 'lat' 16x4x5 and 'up' 16x4x6 differ"))
        }
        let shrinking = try TestModels.make("- {name: c, op: conv, inputs: [image], out_channels: 2, kernel: 5, stride: 1, pad: 0}\n")
        #expect(throws: ModelError.self) { _ = try FP32Network(model: shrinking, inputWidth: 4, inputHeight: 9) }
        #expect(throws: ModelError.self) { _ = try FP32Network(model: shrinking, inputWidth: 0, inputHeight: 9) }
    }
}
