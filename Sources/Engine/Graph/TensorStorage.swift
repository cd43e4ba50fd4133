/// One aligned float allocation owned by a network (activations, packed weights, scratch).
/// Cache-line alignment keeps SIMD loads whole and threads off each other's lines.
final class TensorStorage {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(1, count))
        pointer.initialize(repeating: 0, count: max(1, count))
    }

    convenience init(copying values: [Float]) {
        self.init(count: values.count)
        if !values.isEmpty { values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) } }
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}
