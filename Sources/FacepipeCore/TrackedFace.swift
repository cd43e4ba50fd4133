/// A face the tracker follows, as it stands in one frame.
public struct TrackedFace: Sendable, Hashable {
    /// Stable identity, never reused within a run.
    public var id: Int
    public var box: Box
    /// Score of the detection matched this frame, or the last matched one when only predicted.
    public var score: Float
    /// False when the box is a prediction (no detection matched in this frame).
    public var matched: Bool
    public init(id: Int, box: Box, score: Float, matched: Bool) {
        self.id = id; self.box = box; self.score = score; self.matched = matched
    }
}
