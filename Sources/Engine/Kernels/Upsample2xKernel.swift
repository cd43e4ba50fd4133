/// Bilinear 2x upsampling with PyTorch's align_corners=False: the source coordinate of output
/// x is (x + 0.5) / 2 - 0.5, so every output is 3/4 of its nearer and 1/4 of its farther
/// neighbour in each axis (neighbours clamped to the edge, which reproduces PyTorch's clamp).
/// The 2-D weights are 9, 3, 3, 1 sixteenths: the exact result in fixed point is
///   out = (9 a + 3 b + 3 c + d + 8) >> 4
/// (nearest, ties up), with the input's scale and zero point, because the weights sum to 1.
/// No float and no requantisation.
enum Upsample2xKernel {
    /// `input`: `height` x `width` pixels of `pixelStride` bytes; `output`: 2*height x 2*width.
    static func run(input: UnsafePointer<UInt8>, height: Int, width: Int, pixelStride: Int,
                    output: UnsafeMutablePointer<UInt8>) {
        let rowBytes = width * pixelStride
        for oy in 0..<(2 * height) {
            // Nearer row y and farther row (y - 1 for even oy, y + 1 for odd), clamped.
            let y = oy / 2
            let farY = oy & 1 == 0 ? max(y - 1, 0) : min(y + 1, height - 1)
            let near = input + y * rowBytes, far = input + farY * rowBytes
            let outRow = output + oy * 2 * rowBytes
            for ox in 0..<(2 * width) {
                let x = ox / 2
                let farX = ox & 1 == 0 ? max(x - 1, 0) : min(x + 1, width - 1)
                let a = near + x * pixelStride, b = near + farX * pixelStride
                let c = far + x * pixelStride, d = far + farX * pixelStride
                let o = outRow + ox * pixelStride
                for ch in 0..<pixelStride {
                    let sum = 9 &* UInt16(a[ch]) &+ 3 &* UInt16(b[ch]) &+ 3 &* UInt16(c[ch]) &+ UInt16(d[ch])
                    o[ch] = UInt8(truncatingIfNeeded: (sum &+ 8) &>> 4)
                }
            }
        }
    }
}
