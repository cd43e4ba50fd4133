import CKernels
@testable import Engine

// Plain scalar loops, one element at a time, with FixedPoint's rounding: the twins the
// vectorised engine kernels are held to byte for byte. Only tests use them.

/// Add: out = clamp(((a - za) * ma + (b - zb) * mb) rounded >> shift + zo) (see AddParameters).
enum ReferenceAddKernel {
    /// `count` bytes of each operand (a whole blocked tensor, padding channels included).
    static func run(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int,
                    _ p: AddParameters, output: UnsafeMutablePointer<UInt8>) {
        let za = p.a.inputZeroPoint, ma = p.a.multiplier, zb = p.b.inputZeroPoint, mb = p.b.multiplier
        let shift = p.shift, zo = p.clamp.zeroPoint
        let low = p.clamp.min &- zo, high = p.clamp.max &- zo
        for i in 0..<count {
            let acc = (Int32(a[i]) &- za) &* ma &+ (Int32(b[i]) &- zb) &* mb
            output[i] = UInt8(truncatingIfNeeded: min(max(FixedPoint.roundingShift(acc, shift), low), high) &+ zo)
        }
    }
}

/// Concat: out = clamp(((x - zx) * m) rounded >> shift + zo) into a channel slice (see ConcatParameters).
enum ReferenceConcatKernel {
    /// Copies `channels` channels of `pixels` pixels from `input` (pixel stride `inputStride`)
    /// to `output`, which points at the first channel of this input's slice (pixel stride
    /// `outputStride`).
    static func copySlice(input: UnsafePointer<UInt8>, inputStride: Int, channels: Int, pixels: Int,
                          rescale: InputRescale, shift: Int32, clamp: OutputClamp,
                          output: UnsafeMutablePointer<UInt8>, outputStride: Int) {
        let zx = rescale.inputZeroPoint, m = rescale.multiplier, zo = clamp.zeroPoint
        let low = clamp.min &- zo, high = clamp.max &- zo
        for p in 0..<pixels {
            let src = input + p * inputStride, dst = output + p * outputStride
            for c in 0..<channels {
                let acc = (Int32(src[c]) &- zx) &* m
                dst[c] = UInt8(truncatingIfNeeded: min(max(FixedPoint.roundingShift(acc, shift), low), high) &+ zo)
            }
        }
    }
}

/// Requantisation + bias + ReLU of int32 accumulators produced outside the conv microkernel
/// (e.g. a grouped conv or an fp32 fallback): the same formula as the fused epilogue.
enum ReferenceRequantKernel {
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
