/// A decoded box before NMS, in network-input pixels (x1, y1, x2, y2).
public struct Candidate: Sendable, Hashable {
    public var x1: Float
    public var y1: Float
    public var x2: Float
    public var y2: Float
    public var score: Float

    @inlinable public var area: Float { max(0, x2 - x1) * max(0, y2 - y1) }

    @inlinable public func iou(_ o: Candidate) -> Float {
        let w = min(x2, o.x2) - max(x1, o.x1)
        let h = min(y2, o.y2) - max(y1, o.y1)
        guard w > 0, h > 0 else { return 0 }
        let inter = w * h
        let union = area + o.area - inter
        return union > 0 ? inter / union : 0
    }
}

/// Sorts candidates by descending score, ties by ascending original position, in place and
/// without allocating (Swift's `sort` may take a scratch buffer; this runs per frame).
@usableFromInline func sortByScoreDescending(_ items: UnsafeMutableBufferPointer<Candidate>,
                                             order: UnsafeMutableBufferPointer<Int32>) {
    let n = items.count
    guard n > 1 else { return }
    // Heapsort with a max-heap on "comes later in the output": deterministic, allocation-free.
    @inline(__always) func later(_ a: Int, _ b: Int) -> Bool {
        let sa = items[a].score, sb = items[b].score
        return sa < sb || (sa == sb && order[a] > order[b])
    }
    @inline(__always) func swapAt(_ a: Int, _ b: Int) { items.swapAt(a, b); order.swapAt(a, b) }
    func siftDown(_ start: Int, _ end: Int) {
        var root = start
        while 2 * root + 1 < end {
            var child = 2 * root + 1
            if child + 1 < end && later(child + 1, child) { child += 1 }
            guard later(child, root) else { return }
            swapAt(root, child)
            root = child
        }
    }
    var start = n / 2 - 1
    while start >= 0 { siftDown(start, n); start -= 1 }
    var end = n - 1
    while end > 0 { swapAt(0, end); siftDown(0, end); end -= 1 }
}
