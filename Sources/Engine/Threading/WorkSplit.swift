/// Splits `count` items (channels, rows) into at most `parts` contiguous ranges.
@inline(__always) func chunk(_ task: Int, of parts: Int, count: Int) -> Range<Int> {
    let lo = count * task / parts
    let hi = count * (task + 1) / parts
    return lo..<hi
}

/// Enough tasks for every thread to stay busy when tasks are uneven, never more than items.
@inline(__always) func taskCount(items: Int, threads: Int) -> Int {
    max(1, min(items, threads == 1 ? 1 : threads * 2))
}
