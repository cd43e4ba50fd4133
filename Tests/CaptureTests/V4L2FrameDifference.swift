import FacepipeCore

/// Mean absolute difference between a frame and a packed I420 reference, per plane (Y, U, V).
func v4l2MeanDifference(_ frame: VideoFrame, _ reference: [UInt8]) -> (y: Double, u: Double, v: Double) {
    let w = frame.width, h = frame.height, cw = frame.chromaWidth, ch = frame.chromaHeight
    func plane(_ base: UnsafeMutablePointer<UInt8>, _ stride: Int, _ offset: Int, _ pw: Int, _ ph: Int) -> Double {
        var total = 0
        reference.withUnsafeBufferPointer { ref in
            for row in 0..<ph {
                let line = base + row * stride
                for x in 0..<pw { total += abs(Int(line[x]) - Int(ref[offset + row * pw + x])) }
            }
        }
        return Double(total) / Double(pw * ph)
    }
    return (plane(frame.planes.y, frame.strides.y, 0, w, h),
            plane(frame.planes.u, frame.strides.u, w * h, cw, ch),
            plane(frame.planes.v, frame.strides.v, w * h + cw * ch, cw, ch))
}

/// Mean absolute difference between two packed pictures of the same size.
func v4l2MeanDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
    precondition(a.count == b.count && !a.isEmpty)
    var total = 0
    for i in a.indices { total += abs(Int(a[i]) - Int(b[i])) }
    return Double(total) / Double(a.count)
}
