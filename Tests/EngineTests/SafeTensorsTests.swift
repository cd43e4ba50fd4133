import Testing
import Foundation
@testable import Engine

@Suite struct SafeTensorsTests {
    @Test func readsTheFixtureWeightsWrittenByPython() throws {
        let file = try SafeTensors.load(path: TestModels.tinyDirectory + "/weights.safetensors")
        let info = try #require(file.info("stem1.weight"))
        #expect(info.dtype == .f32 && info.shape == [8, 3, 3, 3])
        let w = try file.floats("stem1.weight")
        #expect(w.count == 216 && w.contains { $0 != 0 })
    }

    @Test func readsEveryIntegerAndFloatDtype() throws {
        var writer = SafeTensorsWriter()
        writer.add("f", [1.5, -2, 3], shape: [3])
        writer.add("q", [Int8(-128), 0, 127, 5], shape: [2, 2])
        writer.add("acc", [Int32(-70000), 1 << 30], shape: [2])
        // Float16 bit patterns of 1.0, -2.5 and 65504.
        writer.add("h", dtype: .f16, shape: [3], bytes: Data([0x00, 0x3C, 0x00, 0xC1, 0xFF, 0x7B]))
        writer.metadata = ["format": "pt"]
        let data = try writer.serialized()
        let file = try SafeTensors(bytes: data, path: "mem")
        #expect(try file.floats("f") == [1.5, -2, 3])
        #expect(try file.int8s("q") == [-128, 0, 127, 5])
        #expect(try file.int32s("acc") == [-70000, 1 << 30])
        #expect(try file.floats("h") == [1, -2.5, 65504])
        #expect(file.metadata == ["format": "pt"])
        #expect(throws: ModelError.self) { _ = try file.int8s("f") }
        #expect(throws: ModelError.self) { _ = try file.floats("nope") }
    }

    private func loadError(_ bytes: Data) -> ModelError? {
        do { _ = try SafeTensors(bytes: bytes, path: "w.safetensors"); return nil } catch { return error as? ModelError }
    }

    private func header(_ json: String, data: Int = 0) -> Data {
        var out = Data()
        var n = UInt64(json.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(contentsOf: Array(json.utf8))
        out.append(Data(count: data))
        return out
    }

    @Test func truncatedFilesAreNamed() throws {
        let good = try Data(contentsOf: URL(fileURLWithPath: TestModels.tinyDirectory + "/weights.safetensors"))
        let tiny = loadError(good.prefix(5))
        #expect(tiny?.kind == .truncated)
        #expect(tiny?.description == "w.safetensors: file is 5 bytes, too short for the 8-byte header length")
        let midHeader = loadError(good.prefix(100))
        #expect(midHeader?.kind == .truncated)
        #expect(midHeader?.problem.contains("header announces") == true)
        // Cut inside the data: the last tensor (by offset) runs past the end.
        let midData = loadError(good.prefix(good.count - 10))
        #expect(midData?.kind == .badTensor)
        #expect(midData?.problem.contains("run past") == true)
    }

    @Test func corruptHeadersAreNamed() {
        let notJSON = loadError(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]", data: 4))
        #expect(notJSON?.kind == .badHeader)
        #expect(notJSON?.problem.hasPrefix("header is not valid JSON") == true)
        #expect(loadError(header("[1, 2]"))?.problem == "header is not a JSON object")
        let dtype = loadError(header("{\"a\": {\"dtype\": \"Q4\", \"shape\": [1], \"data_offsets\": [0, 1]}}", data: 1))
        #expect(dtype?.description == "w.safetensors: tensor 'a': unsupported dtype Q4 (supported: F32, F16, I8, U8, I32, I64)")
        let shape = loadError(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [\"x\"], \"data_offsets\": [0, 4]}}", data: 4))
        #expect(shape?.subject == "tensor 'a'" && shape?.kind == .badHeader)
    }

    @Test func offsetsOutOfRangeOrInconsistentAreNamed() {
        let past = loadError(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", data: 8))
        #expect(past?.description == "w.safetensors: tensor 'a': data_offsets [0, 16] run past the 8 data bytes (file truncated?)")
        let size = loadError(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", data: 8))
        #expect(size?.description == "w.safetensors: tensor 'a': holds 8 bytes but F32 [3] needs 12")
        let backwards = loadError(header("{\"a\": {\"dtype\": \"I8\", \"shape\": [0], \"data_offsets\": [4, 2]}}", data: 8))
        #expect(backwards?.kind == .badHeader)
        let overlap = loadError(header("""
            {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}
            """, data: 8))
        #expect(overlap?.description == "w.safetensors: tensor 'b': its bytes overlap tensor 'a'")
    }

    @Test func missingFileIsNamed() {
        #expect(throws: ModelError(.unreadable, file: "/nonexistent/w.safetensors", problem: "cannot read the file (missing or unreadable)")) {
            _ = try SafeTensors.load(path: "/nonexistent/w.safetensors")
        }
    }
}
