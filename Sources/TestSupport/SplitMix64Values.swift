import FacepipeCore

/// Test data from FacepipeCore's SplitMix64.
extension SplitMix64 {
    /// Uniform in -1...1.
    public mutating func float() -> Float { Float(Double(next() >> 11) / Double(1 << 53) * 2 - 1) }
    public mutating func floats(_ n: Int) -> [Float] { (0..<n).map { _ in float() } }
    public mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) } }
}
