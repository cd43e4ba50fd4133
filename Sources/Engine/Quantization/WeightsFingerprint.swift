import Foundation

/// Size and hash of a weights file: enough to notice the fp32 model changed after calibration.
public struct WeightsFingerprint: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var bytes: Int
    var fnv1a64: String

    public var description: String { "\(file) (\(bytes) bytes, FNV-1a \(fnv1a64))" }
}

extension WeightsFingerprint {
    /// Reads and hashes a file; `name` is how it is recorded (relative to the model folder).
    static func of(path: String, name: String) throws -> WeightsFingerprint {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError(.unreadable, file: path, problem: "cannot read the file (missing or unreadable)")
        }
        let h = data.withUnsafeBytes { FNV1a64.hash(UnsafeRawBufferPointer($0).bindMemory(to: UInt8.self)) }
        return WeightsFingerprint(file: name, bytes: data.count, fnv1a64: FNV1a64.hex(h))
    }
}
