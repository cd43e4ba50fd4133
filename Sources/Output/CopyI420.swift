import CFFmpeg
import FacepipeCore

/// Copies a pooled frame into the encoder's own picture. The pool reuses the frame as soon as
/// the sink returns, so the encoder must never keep pointers into it; the copy also pads odd
/// sizes to the even size 4:2:0 encoders need.
func copyI420(_ frame: VideoFrame, into picture: UnsafeMutablePointer<AVFrame>, paddedWidth: Int, paddedHeight: Int) {
    let data = picture.pointee.data, lines = picture.pointee.linesize
    copyPlane(frame.planes.y, frame.strides.y, data.0!, Int(lines.0),
              width: frame.width, height: frame.height, paddedWidth: paddedWidth, paddedHeight: paddedHeight)
    // Chroma of the even padded size equals ceil(source / 2), so chroma never needs padding.
    copyPlane(frame.planes.u, frame.strides.u, data.1!, Int(lines.1), width: frame.chromaWidth,
              height: frame.chromaHeight, paddedWidth: paddedWidth / 2, paddedHeight: paddedHeight / 2)
    copyPlane(frame.planes.v, frame.strides.v, data.2!, Int(lines.2), width: frame.chromaWidth,
              height: frame.chromaHeight, paddedWidth: paddedWidth / 2, paddedHeight: paddedHeight / 2)
}

/// Copies one plane row by row; when the padded size is larger, the extra column/row repeats the edge.
private func copyPlane(_ source: UnsafeMutablePointer<UInt8>, _ sourceStride: Int,
                       _ destination: UnsafeMutablePointer<UInt8>, _ destinationStride: Int,
                       width: Int, height: Int, paddedWidth: Int, paddedHeight: Int) {
    for row in 0..<height {
        let to = destination + row * destinationStride
        to.update(from: source + row * sourceStride, count: width)
        if paddedWidth > width { to[width] = to[width - 1] }
    }
    if paddedHeight > height {
        (destination + height * destinationStride)
            .update(from: destination + (height - 1) * destinationStride, count: paddedWidth)
    }
}
