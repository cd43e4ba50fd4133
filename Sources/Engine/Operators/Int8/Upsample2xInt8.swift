/// Bilinear 2x upsampling on the input's grid (exact fixed-point weights, no requantisation).
/// One task: the kernel clamps at the tensor's edges, so it is not cut into row bands, and the
/// upsampled tensors of an SSH model are small.
final class Upsample2xInt8: Operator {
    let input: Int8Tensor
    let output: Int8Tensor

    init(input: Int8Tensor, output: Int8Tensor) { self.input = input; self.output = output }

    func run(pool: WorkerPool) {
        Upsample2xKernel.run(input: input.pointer, height: input.height, width: input.width,
                             pixelStride: input.pixelStride, output: output.pointer)
    }
}
