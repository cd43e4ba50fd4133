import Foundation

/// Writes safetensors files (the quantiser stores int8 weights this way; tests build
/// deliberately broken files with it). The header is padded with spaces to a multiple of 8
/// so the data section starts aligned, as the reference writer does.
struct SafeTensorsWriter {
    private var entries: [(name: String, dtype: SafeTensors.DType, shape: [Int], bytes: Data)] = []
    public var metadata: [String: String] = [:]

    public init() {}

    public mutating func add(_ name: String, _ values: [Float], shape: [Int]) {
        add(name, dtype: .f32, shape: shape, bytes: values.withUnsafeBytes { Data($0) })
    }

    public mutating func add(_ name: String, _ values: [Int8], shape: [Int]) {
        add(name, dtype: .i8, shape: shape, bytes: values.withUnsafeBytes { Data($0) })
    }

    public mutating func add(_ name: String, _ values: [Int32], shape: [Int]) {
        add(name, dtype: .i32, shape: shape, bytes: values.withUnsafeBytes { Data($0) })
    }

    /// Raw bytes, not checked against dtype and shape (tests use this to write bad files).
    public mutating func add(_ name: String, dtype: SafeTensors.DType, shape: [Int], bytes: Data) {
        entries.append((name, dtype, shape, bytes))
    }

    func serialized() throws -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        for e in entries {
            header[e.name] = ["dtype": e.dtype.rawValue, "shape": e.shape, "data_offsets": [offset, offset + e.bytes.count]] as [String: Any]
            offset += e.bytes.count
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data(capacity: 8 + json.count + offset)
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(json)
        for e in entries { out.append(e.bytes) }
        return out
    }

    public func write(to path: String) throws {
        try serialized().write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
