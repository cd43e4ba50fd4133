import Testing
import Foundation
import FacepipeCore
@testable import Engine

/// Loading model folders: the good fixture, then one broken thing at a time, each of which
/// must be refused with a message naming the file and the tensor, layer or key at fault.
@Suite struct ModelFileTests {
    @Test func loadsTheFixtureModel() throws {
        let model = try ModelFile.load(directory: TestModels.tinyDirectory)
        #expect(model.description.name == "engine-test-tiny")
        #expect(model.description.input.channels == .rgb && model.description.input.padMultiple == 32)
        #expect(model.layers.count == 22)
        #expect(model.layer(named: "b1g")?.operation == .conv(ConvParameters(inChannels: 16, outChannels: 16, kernel: 3, stride: 1, pad: 1, groups: 2, relu: true)))
        #expect(model.layer(named: "m1_cat")?.outChannels == 32)
        let detector = try #require(model.description.detector)
        #expect(detector.modules.map(\.cls) == ["m1_cls", "m2_cls", "m3_cls"])
        #expect(detector.modules[0].anchorSizes == [16, 32] && detector.nmsIou == 0.3)
    }

    /// A scratch copy of the fixture with model.yaml edited by `edit`.
    private func loadEditedYAML(_ edit: (String) -> String) throws -> ModelFile {
        let dir = try TestModels.scratchCopy(of: TestModels.tinyDirectory, name: "yaml")
        let path = dir.appendingPathComponent("model.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let edited = edit(text)
        #expect(edited != text, "the edit changed nothing")
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        return try ModelFile.load(directory: dir.path)
    }

    /// A scratch copy of the fixture whose weights are rewritten by `edit`.
    private func loadEditedWeights(_ edit: (SafeTensors, inout SafeTensorsWriter) throws -> Void) throws -> ModelFile {
        let dir = try TestModels.scratchCopy(of: TestModels.tinyDirectory, name: "weights")
        let path = dir.appendingPathComponent("weights.safetensors").path
        let original = try SafeTensors.load(path: path)
        var writer = SafeTensorsWriter()
        try edit(original, &writer)
        try writer.write(to: path)
        return try ModelFile.load(directory: dir.path)
    }

    private func copyAll(_ from: SafeTensors, into writer: inout SafeTensorsWriter, except: Set<String> = []) throws {
        for name in from.names where !except.contains(name) {
            writer.add(name, try from.floats(name), shape: from.info(name)!.shape)
        }
    }

    private func expectModelError(_ kind: ModelError.Kind, _ message: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("accepted, expected: \(message)")
        } catch let error as ModelError {
            #expect(error.kind == kind)
            #expect(error.description.hasSuffix(message), "got: \(error)")
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
    }

    private func expectConfigError(_ message: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("accepted, expected: \(message)")
        } catch let error as StrictYAML.ConfigError {
            #expect(error.description.hasSuffix(message), "got: \(error)")
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
    }

    @Test func rewritingUnchangedWeightsStillLoads() throws {
        // Guards the tests below: the writer round trip alone must not break anything.
        let model = try loadEditedWeights { try copyAll($0, into: &$1) }
        #expect(model.layers.count == 22)
    }

    @Test func truncatedWeightsFileIsNamed() throws {
        let dir = try TestModels.scratchCopy(of: TestModels.tinyDirectory, name: "trunc")
        let path = dir.appendingPathComponent("weights.safetensors").path
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        expectModelError(.badTensor, "(file truncated?)") { _ = try ModelFile.load(directory: dir.path) }
    }

    @Test func corruptWeightsHeaderIsNamed() throws {
        let dir = try TestModels.scratchCopy(of: TestModels.tinyDirectory, name: "corrupt")
        let path = dir.appendingPathComponent("weights.safetensors").path
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data.replaceSubrange(8..<12, with: Array("@#!%".utf8))   // inside the JSON text
        try data.write(to: URL(fileURLWithPath: path))
        do {
            _ = try ModelFile.load(directory: dir.path)
            Issue.record("a corrupt header was accepted")
        } catch let error as ModelError {
            #expect(error.kind == .badHeader)
            #expect(error.description.hasPrefix("\(path): header is not valid JSON"))
        }
    }

    @Test func missingWeightsFileIsNamed() throws {
        let dir = try TestModels.scratchCopy(of: TestModels.tinyDirectory, name: "nofile")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("weights.safetensors"))
        expectModelError(.unreadable, "weights.safetensors: cannot read the file (missing or unreadable)") {
            _ = try ModelFile.load(directory: dir.path)
        }
    }

    @Test func missingTensorIsNamed() {
        expectModelError(.missingTensor, "tensor 'b2.bias': missing (conv layer 'b2' needs bias F32 [24])") {
            _ = try loadEditedWeights { try copyAll($0, into: &$1, except: ["b2.bias"]) }
        }
    }

    @Test func wrongShapeIsNamed() {
        expectModelError(.wrongTensor, "tensor 'stem2.weight': has shape [12, 8, 3, 3], conv layer 'stem2' needs [12, 8, 5, 5]") {
            _ = try loadEditedWeights { original, writer in
                try copyAll(original, into: &writer, except: ["stem2.weight"])
                writer.add("stem2.weight", [Float](repeating: 0.1, count: 12 * 8 * 9), shape: [12, 8, 3, 3])
            }
        }
    }

    @Test func wrongDtypeIsNamed() {
        expectModelError(.wrongTensor, "tensor 'm3_reg.bias': is I32, conv layer 'm3_reg' needs F32") {
            _ = try loadEditedWeights { original, writer in
                try copyAll(original, into: &writer, except: ["m3_reg.bias"])
                writer.add("m3_reg.bias", [Int32](repeating: 0, count: 4), shape: [4])
            }
        }
    }

    @Test func extraTensorIsNamed() {
        expectModelError(.extraTensor, "tensor 'stem3.weight': is not used by any layer of the graph (stale export or misspelt layer?)") {
            _ = try loadEditedWeights { original, writer in
                try copyAll(original, into: &writer)
                writer.add("stem3.weight", [Float](repeating: 0, count: 4), shape: [4])
            }
        }
    }

    @Test func unknownYAMLKeysAreNamed() {
        expectConfigError("layers[3].dilation: unknown key 'dilation'") {
            _ = try loadEditedYAML { $0.replacingOccurrences(of: "- name: b1\n", with: "- name: b1\n  dilation: 2\n") }
        }
        expectConfigError("input.scale: unknown key 'scale'") {
            _ = try loadEditedYAML { $0.replacingOccurrences(of: "  pad_multiple: 32\n", with: "  pad_multiple: 32\n  scale: 2\n") }
        }
        expectConfigError("detector.nms_threshold: unknown key 'nms_threshold'") {
            _ = try loadEditedYAML { $0.replacingOccurrences(of: "nms_iou", with: "nms_threshold") }
        }
    }

    @Test func keysThatDoNotApplyToTheOpAreRefused() {
        expectConfigError("layers[2].out_channels: key 'out_channels' does not apply to op maxpool") {
            _ = try loadEditedYAML { $0.replacingOccurrences(of: "- name: pool\n", with: "- name: pool\n  out_channels: 4\n") }
        }
        expectConfigError("layers[7].op: unknown op 'upsample3x' (known: conv, maxpool, upsample2x, add, concat)") {
            _ = try loadEditedYAML { $0.replacingOccurrences(of: "op: upsample2x", with: "op: upsample3x") }
        }
    }

    @Test func graphMistakesAreNamed() {
        expectModelError(.badGraph, "layers[9] 'fuse': input 'ctx_a' is produced by a later layer (layers run in file order)") {
            _ = try loadEditedYAML { $0.replacingOccurrences(of: "inputs: [lat, up]", with: "inputs: [lat, ctx_a]") }
        }
        expectModelError(.badGraph, "layers[9] 'fuse': input 'latt' is not the image or any layer") {
            _ = try loadEditedYAML { $0.replacingOccurrences(of: "inputs: [lat, up]", with: "inputs: [latt, up]") }
        }
        expectModelError(.badGraph, "layers[9] 'fuse': add needs equal channels, 'lat' has 16 and 'b2' has 24") {
            _ = try loadEditedYAML { $0.replacingOccurrences(of: "inputs: [lat, up]", with: "inputs: [lat, b2]") }
        }
        expectModelError(.badGraph, "layers[1] 'stem2': 'kernel' is 0, must be >= 1") {
            _ = try loadEditedYAML { $0.replacingOccurrences(of: "  kernel: 5\n", with: "  kernel: 0\n") }
        }
        expectModelError(.badGraph, "detector.modules[2] 'm3': head 'm3_cls' has 2 channels, 2 anchors need 4") {
            _ = try loadEditedYAML { $0.replacingOccurrences(of: "anchor_sizes: [256]", with: "anchor_sizes: [256, 512]") }
        }
        expectModelError(.badGraph, "format: is 'facepipe-ssh/2', this engine reads 'facepipe-ssh/1'") {
            _ = try loadEditedYAML { $0.replacingOccurrences(of: "format: facepipe-ssh/1", with: "format: facepipe-ssh/2") }
        }
    }

    @Test func groupsMustDivideChannels() {
        expectModelError(.badGraph, "layers[0] 'c': groups 2 must divide input channels 3 and out_channels 4") {
            _ = try TestModels.make("- {name: c, op: conv, inputs: [image], out_channels: 4, kernel: 1, stride: 1, pad: 0, groups: 2}\n")
        }
    }
}

/// A model that would run and silently find nothing is refused at load.
extension ModelFileTests {
    @Test(arguments: [Float.nan, Float.infinity, -Float.infinity])
    func nonFiniteWeightsAreRefusedNamingTheTensor(value: Float) {
        expectModelError(.nonFinite, "tensor 'm2_cls.weight': holds 1 non-finite value (the first, element 5, is \(value)); "
                         + "the model is broken: re-export or retrain it") {
            _ = try loadEditedWeights { original, writer in
                try copyAll(original, into: &writer, except: ["m2_cls.weight"])
                var weights = try original.floats("m2_cls.weight")
                weights[5] = value
                writer.add("m2_cls.weight", weights, shape: original.info("m2_cls.weight")!.shape)
            }
        }
    }

    @Test func detectorThresholdsOutOfRangeAreNamed() {
        expectModelError(.badGraph, "detector.score_threshold: must be in 0...1, found -0.3") {
            _ = try loadEditedYAML { $0.replacingOccurrences(of: "score_threshold: 0.5", with: "score_threshold: -0.3") }
        }
        expectModelError(.badGraph, "detector.nms_iou: must be in 0...1, found 1.5") {
            _ = try loadEditedYAML { $0.replacingOccurrences(of: "nms_iou: 0.3", with: "nms_iou: 1.5") }
        }
    }
}
