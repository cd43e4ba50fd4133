/// FNV-1a 64: a fast change detector for model files and picture lists (not a security hash:
/// it guards against stale calibrations, not against tampering).
enum FNV1a64 {
    static func hash<S: Sequence>(_ bytes: S, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 where S.Element == UInt8 {
        var h = seed
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The hash of a list of strings, each followed by a newline.
    static func hash(lines: [String]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for line in lines { h = hash(Array((line + "\n").utf8), seed: h) }
        return hex(h)
    }
}

/// The hash of the picture list a calibration used.
func calibrationSourcesHash(_ paths: [String]) -> String { FNV1a64.hash(lines: paths) }
