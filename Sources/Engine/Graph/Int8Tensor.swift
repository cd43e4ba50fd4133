/// A uint8 NHWC activation buffer: `pixelStride` bytes per pixel (channels padded to 16, see
/// BlockedShape; the network input may use 4). 64-byte aligned, with a little slack at the end.
final class Int8Tensor {
    let height: Int
    let width: Int
    let channels: Int
    let pixelStride: Int
    let pointer: UnsafeMutablePointer<UInt8>

    init(height: Int, width: Int, channels: Int, pixelStride: Int) {
        self.height = height; self.width = width; self.channels = channels; self.pixelStride = pixelStride
        let bytes = height * width * pixelStride + 64
        pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64).bindMemory(to: UInt8.self, capacity: bytes)
        pointer.initialize(repeating: 0, count: bytes)
    }

    deinit { pointer.deallocate() }

    var pixels: Int { height * width }
    var byteCount: Int { pixels * pixelStride }
}
