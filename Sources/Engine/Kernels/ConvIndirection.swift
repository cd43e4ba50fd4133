/// The indirection buffer of an indirect conv (as in XNNPACK): for each output pixel, one
/// pointer per kernel tap to the input pixel it reads, or to a "zero" row (the input zero
/// point repeated) where the tap falls in the padding. Built once per input size and input
/// buffer, it turns any kh x kw / stride / pad conv into the same GEMM-shaped microkernel
/// without an im2col copy per frame.
enum ConvIndirection {
    struct Geometry: Equatable, Sendable {
        var inputHeight: Int
        var inputWidth: Int
        var kernelHeight: Int
        var kernelWidth: Int
        var stride: Int
        var padding: Int

        var outputHeight: Int { (inputHeight + 2 * padding - kernelHeight) / stride + 1 }
        var outputWidth: Int { (inputWidth + 2 * padding - kernelWidth) / stride + 1 }
        var taps: Int { kernelHeight * kernelWidth }
        /// Pointers in the buffer: one per output pixel and tap.
        var entryCount: Int { outputHeight * outputWidth * taps }
    }

    /// Fills `entries` (`geometry.entryCount` pointers, pixel-major, tap t = ky * kw + kx like
    /// OIHW weights). `input` is the blocked activation tensor with `pixelStride` bytes per
    /// pixel; `zero` must hold at least `kc` bytes equal to the input zero point.
    static func build(_ geometry: Geometry, input: UnsafePointer<UInt8>, pixelStride: Int,
                      zero: UnsafePointer<UInt8>, into entries: UnsafeMutablePointer<UnsafePointer<UInt8>?>) {
        var index = 0
        for oy in 0..<geometry.outputHeight {
            for ox in 0..<geometry.outputWidth {
                for ky in 0..<geometry.kernelHeight {
                    let iy = oy * geometry.stride - geometry.padding + ky
                    for kx in 0..<geometry.kernelWidth {
                        let ix = ox * geometry.stride - geometry.padding + kx
                        let inside = iy >= 0 && iy < geometry.inputHeight && ix >= 0 && ix < geometry.inputWidth
                        entries[index] = inside ? input + (iy * geometry.inputWidth + ix) * pixelStride : zero
                        index += 1
                    }
                }
            }
        }
    }
}
