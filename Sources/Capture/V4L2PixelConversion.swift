import FacepipeCore

/// Raw camera layouts into the pooled I420 frame (the frame must already have the right size).
/// Plain loops over unsafe pointers: no allocation, one pass over the source.
enum V4L2PixelConversion {
    /// Bytes a whole raw picture needs, to reject short frames before reading past them.
    static func rawBytes(_ layout: V4L2PixelLayout, bytesPerLine: Int, height: Int) -> Int {
        let chromaRows = (height + 1) / 2
        switch layout {
        case .yuyv: return bytesPerLine * height
        case .nv12: return bytesPerLine * (height + chromaRows)
        case .yuv420: return bytesPerLine * height + 2 * ((bytesPerLine + 1) / 2) * chromaRows
        case .mjpeg: return 1
        }
    }

    /// YUYV (4:2:2 packed): luma as is, chroma averaged over each pair of rows.
    static func yuyv(_ src: UnsafePointer<UInt8>, bytesPerLine: Int, into frame: VideoFrame) {
        let width = frame.width, height = frame.height
        let pairs = width / 2
        for row in 0..<height {
            let line = src + row * bytesPerLine
            let luma = frame.planes.y + row * frame.strides.y
            for x in 0..<width { luma[x] = line[2 * x] }
        }
        for chromaRow in 0..<frame.chromaHeight {
            let top = src + 2 * chromaRow * bytesPerLine
            let bottom = 2 * chromaRow + 1 < height ? top + bytesPerLine : top
            let u = frame.planes.u + chromaRow * frame.strides.u
            let v = frame.planes.v + chromaRow * frame.strides.v
            for cx in 0..<frame.chromaWidth {
                let at = 4 * min(cx, pairs - 1)
                u[cx] = UInt8((UInt16(top[at + 1]) + UInt16(bottom[at + 1]) + 1) >> 1)
                v[cx] = UInt8((UInt16(top[at + 3]) + UInt16(bottom[at + 3]) + 1) >> 1)
            }
        }
    }

    /// NV12 (luma plane, then interleaved U/V at half size): split the chroma plane.
    static func nv12(_ src: UnsafePointer<UInt8>, bytesPerLine: Int, into frame: VideoFrame) {
        copyLuma(src, bytesPerLine: bytesPerLine, into: frame)
        let chroma = src + bytesPerLine * frame.height
        for chromaRow in 0..<frame.chromaHeight {
            let line = chroma + chromaRow * bytesPerLine
            let u = frame.planes.u + chromaRow * frame.strides.u
            let v = frame.planes.v + chromaRow * frame.strides.v
            for cx in 0..<frame.chromaWidth {
                u[cx] = line[2 * cx]
                v[cx] = line[2 * cx + 1]
            }
        }
    }

    /// YU12 (planar I420 already, maybe with padded rows): copy plane by plane.
    static func yuv420(_ src: UnsafePointer<UInt8>, bytesPerLine: Int, into frame: VideoFrame) {
        copyLuma(src, bytesPerLine: bytesPerLine, into: frame)
        let chromaLine = (bytesPerLine + 1) / 2
        let uPlane = src + bytesPerLine * frame.height
        let vPlane = uPlane + chromaLine * frame.chromaHeight
        for chromaRow in 0..<frame.chromaHeight {
            (frame.planes.u + chromaRow * frame.strides.u)
                .update(from: uPlane + chromaRow * chromaLine, count: frame.chromaWidth)
            (frame.planes.v + chromaRow * frame.strides.v)
                .update(from: vPlane + chromaRow * chromaLine, count: frame.chromaWidth)
        }
    }

    private static func copyLuma(_ src: UnsafePointer<UInt8>, bytesPerLine: Int, into frame: VideoFrame) {
        for row in 0..<frame.height {
            (frame.planes.y + row * frame.strides.y).update(from: src + row * bytesPerLine, count: frame.width)
        }
    }
}
