/// Elementwise sum of two same-shaped tensors, with optional fused ReLU.
final class AddFP32: Operator, ParallelWork {
    let a: UnsafePointer<Float>
    let b: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let count: Int
    let relu: Bool
    let tasks: Int

    init(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
         count: Int, relu: Bool, threads: Int) {
        self.a = a; self.b = b; self.output = output; self.count = count; self.relu = relu
        // Memory-bound: a few large slices are plenty.
        tasks = count < 65_536 ? 1 : taskCount(items: count, threads: threads)
    }

    func run(pool: WorkerPool) { pool.run(self, tasks: tasks) }

    func perform(task: Int, worker: Int) {
        let range = chunk(task, of: tasks, count: count)
        if relu {
            for i in range { output[i] = max(a[i] + b[i], 0) }
        } else {
            for i in range { output[i] = a[i] + b[i] }
        }
    }
}
