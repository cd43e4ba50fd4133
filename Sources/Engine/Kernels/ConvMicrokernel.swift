import CKernels

/// A conv tile function: C kernels and the portable Swift kernel share this signature so the
/// dispatch table holds plain function pointers (no closures, no allocation per call).
typealias ConvTileFunction = @convention(c) (UnsafePointer<fp_qu8_conv_args>?) -> Void

/// One conv microkernel of the dispatch table: MR output pixels x 16 channels per call.
struct ConvMicrokernel: @unchecked Sendable {
    let name: String
    /// Output pixels per tile.
    let mr: Int
    let function: ConvTileFunction

    /// Computes output pixels `pixels` (row-major over the output H x W) for the 16-channel
    /// blocks `blocks` of `weights`. `indirection` holds `weights.taps` pointers per output
    /// pixel (see ConvIndirection); `output` points at output pixel 0, channel 0 of this conv's
    /// channels (offset it to write into a channel slice of a wider tensor, e.g. a concat).
    /// Ranges let the caller split work between threads by pixels or by channel blocks.
    func run(pixels: Range<Int>, blocks: Range<Int>, weights: PackedConvWeights,
             indirection: UnsafePointer<UnsafePointer<UInt8>?>,
             output: UnsafeMutablePointer<UInt8>, outputStride: Int) {
        guard !blocks.isEmpty else { return }
        var args = fp_qu8_conv_args()
        args.nc = blocks.count * Int(FP_QU8_CONV_NR)
        args.kc = weights.kc
        args.ks = weights.taps
        args.packed_weights = UnsafeRawPointer(weights.block(blocks.lowerBound))
        args.output_stride = outputStride
        args.requant = weights.requant
        var pixel = pixels.lowerBound
        while pixel < pixels.upperBound {
            let count = min(mr, pixels.upperBound - pixel)
            args.mr = count
            args.indirection = UnsafePointer(indirection + pixel * weights.taps)
            args.output = output + pixel * outputStride + blocks.lowerBound * Int(FP_QU8_CONV_NR)
            function(&args)
            pixel += count
        }
    }
}
