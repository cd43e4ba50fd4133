/// Elementwise add with each operand rescaled onto the output grid (padding bytes included:
/// they are don't-care in every tensor).
final class AddInt8: Operator, ParallelWork {
    let a: Int8Tensor
    let b: Int8Tensor
    let output: Int8Tensor
    let parameters: AddParameters
    let tasks: Int

    init(a: Int8Tensor, b: Int8Tensor, output: Int8Tensor, parameters: AddParameters, threads: Int) {
        self.a = a; self.b = b; self.output = output; self.parameters = parameters
        tasks = output.byteCount < 65_536 ? 1 : taskCount(items: output.pixels, threads: threads)
    }

    func run(pool: WorkerPool) { pool.run(self, tasks: tasks) }

    func perform(task: Int, worker: Int) {
        let pixels = chunk(task, of: tasks, count: output.pixels)
        let offset = pixels.lowerBound * output.pixelStride
        AddKernel.run(a.pointer + offset, b.pointer + offset, count: pixels.count * output.pixelStride, parameters,
                      output: output.pointer + offset)
    }
}
