/// One face found by the detector in one frame.
public struct Detection: Sendable, Hashable {
    public var box: Box
    public var score: Float
    public init(box: Box, score: Float) { self.box = box; self.score = score }
}
