/// Max pooling on the uint8 grid (max commutes with the monotonic quantisation, so the output
/// keeps the input's grid). 2x2 stride 2 unpadded uses the kernel; any other window takes the
/// max over the taps inside the image (padding never wins, as in the fp32 reference).
final class MaxPoolInt8: Operator, ParallelWork {
    let p: PoolParameters
    let input: Int8Tensor
    let output: Int8Tensor
    let tasks: Int

    init(_ p: PoolParameters, input: Int8Tensor, output: Int8Tensor, threads: Int) {
        self.p = p; self.input = input; self.output = output
        tasks = taskCount(items: output.height, threads: threads)
    }

    func run(pool: WorkerPool) { pool.run(self, tasks: tasks) }

    func perform(task: Int, worker: Int) {
        let rows = chunk(task, of: tasks, count: output.height)
        guard !rows.isEmpty else { return }
        let stride = input.pixelStride
        if p.kernel == 2 && p.stride == 2 && p.pad == 0 {
            MaxPool2x2Kernel.run(input: input.pointer + 2 * rows.lowerBound * input.width * stride, height: 2 * rows.count,
                                 width: input.width, pixelStride: stride,
                                 output: output.pointer + rows.lowerBound * output.width * stride)
            return
        }
        for oy in rows {
            let y0 = max(0, oy * p.stride - p.pad), y1 = min(input.height, oy * p.stride - p.pad + p.kernel)
            for ox in 0..<output.width {
                let x0 = max(0, ox * p.stride - p.pad), x1 = min(input.width, ox * p.stride - p.pad + p.kernel)
                let o = output.pointer + (oy * output.width + ox) * stride
                o.update(repeating: 0, count: stride)
                for y in y0..<y1 {
                    for x in x0..<x1 {
                        let s = input.pointer + (y * input.width + x) * stride
                        for c in 0..<stride { o[c] = max(o[c], s[c]) }
                    }
                }
            }
        }
    }
}
