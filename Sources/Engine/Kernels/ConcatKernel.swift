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

enum ConcatKernel {
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
