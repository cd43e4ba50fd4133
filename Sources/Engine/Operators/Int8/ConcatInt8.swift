/// Channel concatenation: each input copied (and rescaled where its grid differs) into its
/// channel slice of the output's pixels.
final class ConcatInt8: Operator, ParallelWork {
    let inputs: [(tensor: Int8Tensor, channelOffset: Int, rescale: InputRescale)]
    let output: Int8Tensor
    let parameters: ConcatParameters
    let pixelChunks: Int

    init(inputs: [Int8Tensor], output: Int8Tensor, parameters: ConcatParameters, threads: Int) {
        var offset = 0
        var list: [(tensor: Int8Tensor, channelOffset: Int, rescale: InputRescale)] = []
        for (tensor, rescale) in zip(inputs, parameters.inputs) {
            list.append((tensor, offset, rescale))
            offset += tensor.channels
        }
        self.inputs = list
        self.output = output
        self.parameters = parameters
        pixelChunks = output.byteCount < 65_536 ? 1 : taskCount(items: output.pixels, threads: threads)
    }

    func run(pool: WorkerPool) { pool.run(self, tasks: inputs.count * pixelChunks) }

    func perform(task: Int, worker: Int) {
        let part = inputs[task / pixelChunks]
        let pixels = chunk(task % pixelChunks, of: pixelChunks, count: output.pixels)
        ConcatKernel.copySlice(input: part.tensor.pointer + pixels.lowerBound * part.tensor.pixelStride,
                                inputStride: part.tensor.pixelStride, channels: part.tensor.channels, pixels: pixels.count,
                                rescale: part.rescale, shift: parameters.shift, clamp: parameters.clamp,
                                output: output.pointer + pixels.lowerBound * output.pixelStride + part.channelOffset,
                                outputStride: output.pixelStride)
    }
}
