/// Bilinear 2x upsampling with PyTorch's `align_corners=False` rule: output pixel `d` samples
/// source coordinate `max((d + 0.5) / 2 - 0.5, 0)`, its right/lower neighbour clamped to
/// the last row/column. The source indices and weights depend only on the size, so they
/// are tabulated at planning.
final class Upsample2xFP32: Operator, ParallelWork {
    struct Tap { var first: Int; var second: Int; var weight: Float }

    let input: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let inShape: TensorShape
    let outShape: TensorShape
    let rows: [Tap]
    let columns: [Tap]
    let tasks: Int

    init(input: UnsafePointer<Float>, inShape: TensorShape, output: UnsafeMutablePointer<Float>,
         outShape: TensorShape, threads: Int) {
        self.input = input; self.inShape = inShape
        self.output = output; self.outShape = outShape
        rows = Self.taps(source: inShape.height, destination: outShape.height)
        columns = Self.taps(source: inShape.width, destination: outShape.width)
        tasks = taskCount(items: outShape.channels, threads: threads)
    }

    static func taps(source: Int, destination: Int) -> [Tap] {
        (0..<destination).map { d in
            let position = max((Float(d) + 0.5) * 0.5 - 0.5, 0)
            let first = min(Int(position), source - 1)
            let second = min(first + 1, source - 1)
            return Tap(first: first, second: second, weight: position - Float(first))
        }
    }

    func run(pool: WorkerPool) { pool.run(self, tasks: tasks) }

    func perform(task: Int, worker: Int) {
        let w = inShape.width
        rows.withUnsafeBufferPointer { rows in
            columns.withUnsafeBufferPointer { columns in
                for c in chunk(task, of: tasks, count: outShape.channels) {
                    let src = input + c * inShape.planeSize
                    var dst = output + c * outShape.planeSize
                    for r in rows {
                        let top = src + r.first * w
                        let bottom = src + r.second * w
                        let wy = r.weight
                        for col in columns {
                            let wx = col.weight
                            let upper = (1 - wx) * top[col.first] + wx * top[col.second]
                            let lower = (1 - wx) * bottom[col.first] + wx * bottom[col.second]
                            dst.pointee = (1 - wy) * upper + wy * lower
                            dst += 1
                        }
                    }
                }
            }
        }
    }
}
