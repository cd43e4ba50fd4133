/// Max pooling 2x2, stride 2, no padding, floor mode (an odd last row / column is dropped,
/// as PyTorch does). Max commutes with the monotonic uint8 quantisation, so the output keeps
/// the input's scale and zero point and no requantisation is needed.
enum MaxPool2x2Kernel {
    /// `input`: `height` x `width` pixels of `pixelStride` bytes; `output`: (height / 2) x
    /// (width / 2) pixels of the same stride. All `pixelStride` bytes are pooled.
    static func run(input: UnsafePointer<UInt8>, height: Int, width: Int, pixelStride: Int,
                    output: UnsafeMutablePointer<UInt8>) {
        let outHeight = height / 2, outWidth = width / 2
        let rowBytes = width * pixelStride
        for oy in 0..<outHeight {
            let top = input + 2 * oy * rowBytes, bottom = top + rowBytes
            let out = output + oy * outWidth * pixelStride
            for ox in 0..<outWidth {
                let a = top + 2 * ox * pixelStride, b = bottom + 2 * ox * pixelStride
                let o = out + ox * pixelStride
                for c in 0..<pixelStride {
                    o[c] = max(max(a[c], a[c + pixelStride]), max(b[c], b[c + pixelStride]))
                }
            }
        }
    }
}
