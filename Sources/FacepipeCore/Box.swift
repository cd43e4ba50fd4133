/// An axis-aligned box in pixels: top-left corner plus size.
public struct Box: Sendable, Hashable, Codable, CustomStringConvertible {
    public var x: Float
    public var y: Float
    public var width: Float
    public var height: Float

    public init(x: Float, y: Float, width: Float, height: Float) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
    public init(x1: Float, y1: Float, x2: Float, y2: Float) {
        self.init(x: x1, y: y1, width: x2 - x1, height: y2 - y1)
    }

    /// The part of the box inside a `frameWidth` x `frameHeight` picture (empty boxes keep
    /// their clamped corner with zero size). Non-finite boxes are returned as they are.
    public func clipped(toWidth frameWidth: Float, height frameHeight: Float) -> Box {
        guard x.isFinite, y.isFinite, width.isFinite, height.isFinite else { return self }
        let x1 = min(max(x, 0), frameWidth), y1 = min(max(y, 0), frameHeight)
        let x2 = min(max(x + width, 0), frameWidth), y2 = min(max(y + height, 0), frameHeight)
        return Box(x: x1, y: y1, width: max(0, x2 - x1), height: max(0, y2 - y1))
    }

    var maxX: Float { x + width }
    var maxY: Float { y + height }
    public var area: Float { max(0, width) * max(0, height) }
    public var centerX: Float { x + width / 2 }
    public var centerY: Float { y + height / 2 }

    public func intersectionArea(_ o: Box) -> Float {
        let w = min(maxX, o.maxX) - max(x, o.x)
        let h = min(maxY, o.maxY) - max(y, o.y)
        return w > 0 && h > 0 ? w * h : 0
    }

    /// Intersection over union; 0 when either box is empty.
    public func iou(_ o: Box) -> Float {
        let inter = intersectionArea(o)
        let union = area + o.area - inter
        return union > 0 ? inter / union : 0
    }

    public func scaled(x sx: Float, y sy: Float) -> Box {
        Box(x: x * sx, y: y * sy, width: width * sx, height: height * sy)
    }

    public func clipped(width w: Float, height h: Float) -> Box {
        let x1 = min(max(x, 0), w), y1 = min(max(y, 0), h)
        let x2 = min(max(maxX, 0), w), y2 = min(max(maxY, 0), h)
        return Box(x1: x1, y1: y1, x2: x2, y2: y2)
    }

    public var description: String { "[\(x), \(y), \(width), \(height)]" }
}
