import FacepipeCore

extension InputRule {
    /// Writes `image` normalised into a planar [3, paddedHeight, paddedWidth] float tensor, 0 in
    /// the padding: the fp32 network's input (`FP32Network.setInput`, calibration, comparisons).
    func normalize(_ image: RGBImage, into tensor: UnsafeMutablePointer<Float>, paddedWidth: Int, paddedHeight: Int) {
        let plane = paddedWidth * paddedHeight
        tensor.initialize(repeating: 0, count: 3 * plane)
        let order = channels == .rgb ? [0, 1, 2] : [2, 1, 0]
        for c in 0..<3 {
            let m = mean[c], inv = 1 / std[c], s = order[c]
            for y in 0..<image.height {
                let src = image.pixels + y * image.stride
                let out = tensor + c * plane + y * paddedWidth
                for x in 0..<image.width { out[x] = (Float(src[3 * x + s]) - m) * inv }
            }
        }
    }

    /// The network input size for a picture: padded up to `padMultiple`.
    public func paddedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        let m = max(1, padMultiple)
        return ((width + m - 1) / m * m, (height + m - 1) / m * m)
    }
}
