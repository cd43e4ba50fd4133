import Foundation

/// Channel concatenation: each input is rescaled to the output's common scale and zero point
/// as it is copied into its channel slice, with an optional fused ReLU:
///   out = clamp(((x - zx) * m) rounded >> shift + zo)      (see InputRescale)
struct ConcatParameters: Equatable, Sendable {
    var inputs: [InputRescale]
    var shift: Int32
    var clamp: OutputClamp

    init(inputs: [(scale: Double, zeroPoint: Int32)], outputScale: Double, outputZeroPoint: Int32,
         relu: Bool) throws {
        (self.inputs, shift) = try InputRescale.make(inputs: inputs, outputScale: outputScale, what: "concat")
        clamp = OutputClamp(zeroPoint: outputZeroPoint, relu: relu)
    }
}

/// Vectorisable as AddKernel is (hoisted rounding constant, `acc >> 31` for the ties-away
/// correction); an input already on the output's grid (ratio exactly 1, same zero point, no
/// clamp below 0) is copied with memcpy. Byte for byte the plain formula above: tested against
/// a scalar reference in EngineTests.
enum ConcatKernel {
    /// True when copying bytes gives exactly what the rescale would.
    static func isCopy(_ rescale: InputRescale, shift: Int32, clamp: OutputClamp) -> Bool {
        rescale.multiplier == Int32(1) &<< shift && rescale.inputZeroPoint == clamp.zeroPoint && clamp.min == 0 && clamp.max == 255
    }

    /// Copies `channels` channels of `pixels` pixels from `input` (pixel stride `inputStride`)
    /// to `output`, which points at the first channel of this input's slice (pixel stride
    /// `outputStride`).
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
