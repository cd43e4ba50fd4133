import Foundation

/// A safetensors file read whole into memory: an 8-byte little-endian header length, a JSON
/// header mapping each tensor name to dtype, shape and byte range, then the raw data.
/// Every range is checked against the file and the dtype/shape at load, so later reads
/// cannot run off the end.
public struct SafeTensors: Sendable {
    enum DType: String, Sendable, CaseIterable {
        case f32 = "F32", f16 = "F16", i8 = "I8", u8 = "U8", i32 = "I32", i64 = "I64"

        var byteSize: Int {
            switch self {
            case .i8, .u8: 1
            case .f16: 2
            case .f32, .i32: 4
            case .i64: 8
            }
        }
    }

    public struct TensorInfo: Sendable, Equatable {
        public var name: String
        var dtype: DType
        public var shape: [Int]
        /// Bytes relative to the start of the data section.
        var byteRange: Range<Int>
        var elementCount: Int { shape.reduce(1, *) }
    }

    public let path: String
    let tensors: [String: TensorInfo]
    public let metadata: [String: String]
    private let data: Data
    private let dataStart: Int

    /// Tensor names in file order (by data offset), for stable messages and listings.
    public var names: [String] { tensors.values.sorted { $0.byteRange.lowerBound < $1.byteRange.lowerBound }.map(\.name) }

    public static func load(path: String) throws -> SafeTensors {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw ModelError(.unreadable, file: path, problem: "cannot read the file (missing or unreadable)")
        }
        return try SafeTensors(bytes: bytes, path: path)
    }

    public init(bytes: Data, path: String) throws {
        self.path = path
        guard bytes.count >= 8 else {
            throw ModelError(.truncated, file: path, problem: "file is \(bytes.count) bytes, too short for the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[bytes.startIndex + i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw ModelError(.truncated, file: path,
                             problem: "header announces \(headerLength) bytes but only \(bytes.count - 8) follow")
        }
        let start = 8 + Int(headerLength)
        let headerBytes = bytes[(bytes.startIndex + 8)..<(bytes.startIndex + start)]
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(headerBytes))
        } catch {
            throw ModelError(.badHeader, file: path, problem: "header is not valid JSON (\(Self.jsonProblem(error)))")
        }
        guard let entries = json as? [String: Any] else {
            throw ModelError(.badHeader, file: path, problem: "header is not a JSON object")
        }
        let dataCount = bytes.count - start
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in entries {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else {
                    throw ModelError(.badHeader, file: path, problem: "__metadata__ is not an object")
                }
                for (k, v) in m { metadata[k] = (v as? String) ?? "\(v)" }
                continue
            }
            tensors[name] = try Self.tensorInfo(name: name, entry: value, dataCount: dataCount, path: path)
        }
        try Self.checkNoOverlap(Array(tensors.values), path: path)
        self.tensors = tensors
        self.metadata = metadata
        self.data = bytes
        self.dataStart = bytes.startIndex + start
    }

    private static func jsonProblem(_ error: Error) -> String {
        let ns = error as NSError
        return (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
    }

    private static func tensorInfo(name: String, entry: Any, dataCount: Int, path: String) throws -> TensorInfo {
        func bad(_ problem: String) -> ModelError { ModelError(.badHeader, file: path, subject: "tensor '\(name)'", problem: problem) }
        guard let fields = entry as? [String: Any] else { throw bad("entry is not an object") }
        guard let dtypeName = fields["dtype"] as? String else { throw bad("no dtype") }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw bad("unsupported dtype \(dtypeName) (supported: \(DType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let shapeValues = fields["shape"] as? [Any], let shape = integers(shapeValues), shape.allSatisfy({ $0 >= 0 }) else {
            throw bad("shape is not a list of non-negative integers")
        }
        guard let offsetValues = fields["data_offsets"] as? [Any], let offsets = integers(offsetValues), offsets.count == 2 else {
            throw bad("data_offsets is not a pair of integers")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, begin <= end else { throw bad("data_offsets [\(begin), \(end)] are not an increasing pair") }
        guard end <= dataCount else {
            throw ModelError(.badTensor, file: path, subject: "tensor '\(name)'",
                             problem: "data_offsets [\(begin), \(end)] run past the \(dataCount) data bytes (file truncated?)")
        }
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw bad("shape \(shape) is too large") }
            count = product
        }
        guard end - begin == count * dtype.byteSize else {
            throw ModelError(.badTensor, file: path, subject: "tensor '\(name)'",
                             problem: "holds \(end - begin) bytes but \(dtype.rawValue) \(shape) needs \(count * dtype.byteSize)")
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
    }

    /// JSON numbers arrive as NSNumber; accept only whole values.
    private static func integers(_ values: [Any]) -> [Int]? {
        var out: [Int] = []
        for v in values {
            guard let n = v as? NSNumber else { return nil }
            let d = n.doubleValue
            guard d == d.rounded(), d.magnitude < 9e15 else { return nil }
            out.append(Int(d))
        }
        return out
    }

    private static func checkNoOverlap(_ infos: [TensorInfo], path: String) throws {
        let sorted = infos.filter { !$0.byteRange.isEmpty }.sorted { $0.byteRange.lowerBound < $1.byteRange.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.byteRange.upperBound > b.byteRange.lowerBound {
            throw ModelError(.badTensor, file: path, subject: "tensor '\(b.name)'", problem: "its bytes overlap tensor '\(a.name)'")
        }
    }

    public func info(_ name: String) -> TensorInfo? { tensors[name] }

    /// The tensor as Float values: F32 copied, F16 widened.
    public func floats(_ name: String) throws -> [Float] {
        let info = try require(name)
        switch info.dtype {
        case .f32: return copy(info, as: Float.self)
        case .f16:
            #if arch(x86_64) || arch(arm64)
            return copy(info, as: UInt16.self).map { Float(Float16(bitPattern: $0)) }
            #else
            throw ModelError(.wrongTensor, file: path, subject: "tensor '\(name)'", problem: "F16 is not supported on this CPU")
            #endif
        default:
            throw ModelError(.wrongTensor, file: path, subject: "tensor '\(name)'", problem: "is \(info.dtype.rawValue), expected F32 or F16")
        }
    }

    func int8s(_ name: String) throws -> [Int8] {
        let info = try require(name, dtype: .i8)
        return copy(info, as: Int8.self)
    }

    func int32s(_ name: String) throws -> [Int32] {
        let info = try require(name, dtype: .i32)
        return copy(info, as: Int32.self)
    }

    private func require(_ name: String, dtype: DType? = nil) throws -> TensorInfo {
        guard let info = tensors[name] else {
            throw ModelError(.missingTensor, file: path, subject: "tensor '\(name)'", problem: "not in the file")
        }
        if let dtype, info.dtype != dtype {
            throw ModelError(.wrongTensor, file: path, subject: "tensor '\(name)'",
                             problem: "is \(info.dtype.rawValue), expected \(dtype.rawValue)")
        }
        return info
    }

    /// Copies through raw bytes: offsets in the file need not be aligned for T.
    private func copy<T>(_ info: TensorInfo, as: T.Type) -> [T] {
        let count = info.elementCount
        if count == 0 { return [] }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            data.withUnsafeBytes { raw in
                let src = raw.baseAddress! + (dataStart - data.startIndex) + info.byteRange.lowerBound
                memcpy(buffer.baseAddress!, src, count * MemoryLayout<T>.stride)
            }
            initialized = count
        }
    }
}
