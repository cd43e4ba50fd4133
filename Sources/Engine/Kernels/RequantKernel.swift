import CKernels

/// Requantisation + bias + ReLU of int32 accumulators produced outside the conv microkernel
/// (e.g. a grouped conv or an fp32 fallback): the same formula as the fused epilogue.
enum RequantKernel {
    /// `acc`: `pixels` rows of `channels` int32 each, `accStride` apart; `output` rows
    /// `outputStride` bytes apart. `bias` and `multipliers` hold one value per channel.
    static func run(acc: UnsafePointer<Int32>, accStride: Int, pixels: Int, channels: Int,
                    bias: UnsafePointer<Int32>, multipliers: UnsafePointer<Int32>, requant: fp_qu8_requant,
                    output: UnsafeMutablePointer<UInt8>, outputStride: Int) {
        for p in 0..<pixels {
            let row = acc + p * accStride, out = output + p * outputStride
            for c in 0..<channels {
                out[c] = FixedPoint.requantize(row[c] &+ bias[c], multiplier: multipliers[c], requant)
            }
        }
    }
}
