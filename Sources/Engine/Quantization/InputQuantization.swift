import FacepipeCore

/// How the resized RGB picture becomes the network's uint8 input, derived from the model's
/// normalisation (model.yaml `input.mean` / `input.std`), not from calibration: the range of
/// normalised pixels is known exactly.
///
/// When all channels share one integer mean m (0...255) and one positive std s, the uint8 pixel
/// already IS the quantised input: real = (p - m) / s = (p - zero point) * scale with scale 1/s
/// and zero point m, so the picture is copied unchanged (`isDirect`). Otherwise (per-channel
/// values, a fractional mean such as 127.5) each pixel is requantised once through a
/// 256-entry table per channel onto a grid covering every channel's normalised range.
public struct InputQuantization: Sendable, Equatable {
    public let parameters: ActivationQuantization
    /// True when the table is the identity (pixels copied as they are).
    let isDirect: Bool
    /// `table[c * 256 + p]`: the input byte of network channel c for pixel value p.
    let table: [UInt8]
    /// Byte of the RGB pixel feeding network channel 0, 1, 2 (BGR models swap R and B).
    let sourceByte: (Int, Int, Int)

    public init(rule: InputRule) {
        let order = rule.channels == .rgb ? (0, 1, 2) : (2, 1, 0)
        sourceByte = order
        let mean = rule.mean.map(Double.init), std = rule.std.map(Double.init)
        let shared = mean.allSatisfy { $0 == mean[0] } && std.allSatisfy { $0 == std[0] }
        if shared, std[0] > 0, mean[0] == mean[0].rounded(), (0...255).contains(mean[0]) {
            parameters = ActivationQuantization(scale: 1 / std[0], zeroPoint: Int32(mean[0]))
            isDirect = true
            table = (0..<3).flatMap { _ in (0...255).map { UInt8($0) } }
            return
        }
        var low = Double.infinity, high = -Double.infinity
        for c in 0..<3 {
            for p in [0.0, 255.0] {
                let v = (p - mean[c]) / std[c]
                low = min(low, v); high = max(high, v)
            }
        }
        let q = ActivationQuantization(low: low, high: high)
        parameters = q
        isDirect = false
        var table: [UInt8] = []
        for c in 0..<3 {
            for p in 0...255 {
                let v = (Double(p) - mean[c]) / std[c] / q.scale + Double(q.zeroPoint)
                table.append(UInt8(min(max(v.rounded(), 0), 255)))
            }
        }
        self.table = table
    }

    public static func == (a: InputQuantization, b: InputQuantization) -> Bool {
        a.parameters == b.parameters && a.table == b.table && a.sourceByte == b.sourceByte
    }

    /// Writes `image` into a `paddedWidth` x `paddedHeight` uint8 NHWC tensor with `pixelStride`
    /// bytes per pixel; the padding (right, bottom, spare channels) holds the zero point, the
    /// quantised 0.0 that the fp32 path pads with.
    func write(_ image: RGBImage, into tensor: UnsafeMutablePointer<UInt8>, pixelStride: Int,
               paddedWidth: Int, paddedHeight: Int) {
        let zero = UInt8(parameters.zeroPoint)
        let rowBytes = paddedWidth * pixelStride
        let (s0, s1, s2) = sourceByte
        table.withUnsafeBufferPointer { lut in
            let t0 = lut.baseAddress!, t1 = t0 + 256, t2 = t0 + 512
            for y in 0..<image.height {
                let src = image.pixels + y * image.stride
                let row = tensor + y * rowBytes
                if isDirect && pixelStride == 4 {
                    for x in 0..<image.width {
                        let p = src + 3 * x, o = row + 4 * x
                        o[0] = p[s0]; o[1] = p[s1]; o[2] = p[s2]; o[3] = zero
                    }
                } else {
                    for x in 0..<image.width {
                        let p = src + 3 * x, o = row + pixelStride * x
                        o[0] = t0[Int(p[s0])]; o[1] = t1[Int(p[s1])]; o[2] = t2[Int(p[s2])]
                        (o + 3).update(repeating: zero, count: pixelStride - 3)
                    }
                }
                (row + image.width * pixelStride).update(repeating: zero, count: (paddedWidth - image.width) * pixelStride)
            }
            if image.height < paddedHeight {
                (tensor + image.height * rowBytes).update(repeating: zero, count: (paddedHeight - image.height) * rowBytes)
            }
        }
    }
}
