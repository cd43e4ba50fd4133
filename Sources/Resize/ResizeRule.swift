/// The detector's input size rule: shrink so the short side is at most `maxShort` and the long
/// side at most `maxLong`, keep the aspect ratio, never enlarge. The limits come from the
/// model's YAML (400 and 800 for the SSH model).
enum ResizeRule {
    /// Output size for a `width` x `height` picture; each side rounded to the nearest pixel,
    /// at least 1.
    public static func outputSize(width: Int, height: Int, maxShort: Int, maxLong: Int) -> (width: Int, height: Int) {
        precondition(width > 0 && height > 0, "picture size must be positive")
        precondition(maxShort > 0 && maxLong > 0, "resize limits must be positive")
        let short = Double(min(width, height)), long = Double(max(width, height))
        let scale = min(1, Double(maxShort) / short, Double(maxLong) / long)
        if scale == 1 { return (width, height) }
        return (side(width, scale), side(height, scale))
    }

    private static func side(_ length: Int, _ scale: Double) -> Int {
        max(1, Int((Double(length) * scale).rounded()))
    }
}
