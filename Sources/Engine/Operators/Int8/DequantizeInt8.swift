/// A uint8 tensor back to real values as planar CHW floats (the detector's heads), through a
/// 256-entry table.
final class DequantizeInt8 {
    let input: Int8Tensor
    let output: UnsafeMutablePointer<Float>
    private let table: UnsafeMutablePointer<Float>

    init(input: Int8Tensor, quantization: ActivationQuantization) {
        self.input = input
        output = .allocate(capacity: max(1, input.channels * input.pixels))
        output.initialize(repeating: 0, count: max(1, input.channels * input.pixels))
        table = .allocate(capacity: 256)
        for q in 0...255 { table[q] = quantization.real(UInt8(q)) }
    }

    deinit {
        output.deallocate()
        table.deallocate()
    }

    func run() {
        let plane = input.pixels, stride = input.pixelStride
        for c in 0..<input.channels {
            let out = output + c * plane
            var src = input.pointer + c
            for p in 0..<plane {
                out[p] = table[Int(src.pointee)]
                src += stride
            }
        }
    }
}
