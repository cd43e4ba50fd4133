/// Channel concatenation in list order. In NCHW each input is one contiguous run of the
/// output, so this is a copy per input (plus the optional fused ReLU).
final class ConcatFP32: Operator, ParallelWork {
    let inputs: [(pointer: UnsafePointer<Float>, count: Int, offset: Int)]
    let output: UnsafeMutablePointer<Float>
    let relu: Bool

    init(inputs: [(UnsafePointer<Float>, TensorShape)], output: UnsafeMutablePointer<Float>, relu: Bool) {
        var offset = 0
        var list: [(pointer: UnsafePointer<Float>, count: Int, offset: Int)] = []
        for (pointer, shape) in inputs {
            list.append((pointer, shape.count, offset))
            offset += shape.count
        }
        self.inputs = list
        self.output = output
        self.relu = relu
    }

    func run(pool: WorkerPool) { pool.run(self, tasks: inputs.count) }

    func perform(task: Int, worker: Int) {
        let part = inputs[task]
        let dst = output + part.offset
        if relu {
            for i in 0..<part.count { dst[i] = max(part.pointer[i], 0) }
        } else {
            dst.update(from: part.pointer, count: part.count)
        }
    }
}
