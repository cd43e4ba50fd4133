/// Max pooling, floor mode; padding never wins (it counts as -inf), so each window is the
/// max over its taps inside the image. Channels are split over threads.
final class MaxPoolFP32: Operator, ParallelWork {
    let p: PoolParameters
    let input: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let inShape: TensorShape
    let outShape: TensorShape
    let tasks: Int

    init(_ p: PoolParameters, input: UnsafePointer<Float>, inShape: TensorShape,
         output: UnsafeMutablePointer<Float>, outShape: TensorShape, threads: Int) {
        self.p = p
        self.input = input; self.inShape = inShape
        self.output = output; self.outShape = outShape
        tasks = taskCount(items: outShape.channels, threads: threads)
    }

    func run(pool: WorkerPool) { pool.run(self, tasks: tasks) }

    func perform(task: Int, worker: Int) {
        let (h, w) = (inShape.height, inShape.width)
        for c in chunk(task, of: tasks, count: outShape.channels) {
            let src = input + c * inShape.planeSize
            var dst = output + c * outShape.planeSize
            for oy in 0..<outShape.height {
                let y0 = max(0, oy * p.stride - p.pad)
                let y1 = min(h, oy * p.stride - p.pad + p.kernel)
                for ox in 0..<outShape.width {
                    let x0 = max(0, ox * p.stride - p.pad)
                    let x1 = min(w, ox * p.stride - p.pad + p.kernel)
                    var best = -Float.infinity
                    for y in y0..<y1 {
                        let row = src + y * w
                        for x in x0..<x1 { best = max(best, row[x]) }
                    }
                    dst.pointee = best
                    dst += 1
                }
            }
        }
    }
}
