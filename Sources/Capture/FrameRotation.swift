import CFFmpeg
import FacepipeCore

/// Turns I420 pictures by quarter turns, as a stream's display matrix asks (phones record
/// sideways and tag the turn), so detection, the output and the events all see the picture
/// the way a player shows it. Pure pointer loops into a pooled frame: nothing allocated per frame.
struct FrameRotation: Sendable, Hashable {
    /// Clockwise quarter turns, 1...3 (0 never makes a `FrameRotation`).
    let quarterTurns: Int

    /// From a display matrix: the clockwise turn a player applies (ffmpeg's `get_rotation`);
    /// nil for none, and for a mirrored or non-right-angle matrix (`ignored` says why).
    static func from(displayMatrix: UnsafePointer<Int32>) -> (rotation: FrameRotation?, ignored: String?) {
        let degrees = -av_display_rotation_get(displayMatrix)
        guard degrees.isFinite else { return (nil, "its display matrix is not a rotation; ignored") }
        var theta = Int(degrees.rounded())
        theta = ((theta % 360) + 360) % 360
        // A negative determinant means a mirror image, which a rotation alone cannot undo.
        let m = displayMatrix
        let determinant = Int64(m[0]) * Int64(m[4]) - Int64(m[1]) * Int64(m[3])
        if determinant < 0 { return (nil, "its display matrix mirrors the picture, which facepipe does not undo; ignored") }
        guard theta % 90 == 0 else { return (nil, "its display matrix turns by \(theta)°, not a right angle; ignored") }
        return theta == 0 ? (nil, nil) : (FrameRotation(quarterTurns: theta / 90), nil)
    }

    var degrees: Int { quarterTurns * 90 }
    /// "90° clockwise", "180°", "90° counter-clockwise".
    var words: String {
        switch quarterTurns {
        case 1: return "90° clockwise"
        case 2: return "180°"
        default: return "90° counter-clockwise"
        }
    }
    var swapsSides: Bool { quarterTurns % 2 == 1 }

    /// Size after the turn.
    func turnedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        swapsSides ? (height, width) : (width, height)
    }

    /// Writes `source` turned into `destination` (reshaped to the turned size).
    func apply(_ source: VideoFrame, into destination: VideoFrame) {
        let size = turnedSize(width: source.width, height: source.height)
        destination.reshape(width: size.width, height: size.height)
        turn(source.planes.y, source.strides.y, source.width, source.height, destination.planes.y, destination.strides.y)
        turn(source.planes.u, source.strides.u, source.chromaWidth, source.chromaHeight, destination.planes.u, destination.strides.u)
        turn(source.planes.v, source.strides.v, source.chromaWidth, source.chromaHeight, destination.planes.v, destination.strides.v)
    }

    /// One plane of `w` x `h` samples; the destination plane is `w` x `h` turned.
    private func turn(_ src: UnsafeMutablePointer<UInt8>, _ srcStride: Int, _ w: Int, _ h: Int,
                      _ dst: UnsafeMutablePointer<UInt8>, _ dstStride: Int) {
        switch quarterTurns {
        case 1:  // clockwise: destination row r is source column r, read bottom to top
            for r in 0..<w {
                let row = dst + r * dstStride
                for c in 0..<h { row[c] = src[(h - 1 - c) * srcStride + r] }
            }
        case 2:
            for r in 0..<h {
                let row = dst + r * dstStride, from = src + (h - 1 - r) * srcStride
                for c in 0..<w { row[c] = from[w - 1 - c] }
            }
        default:  // 3: counter-clockwise: destination row r is source column w-1-r, read top to bottom
            for r in 0..<w {
                let row = dst + r * dstStride
                for c in 0..<h { row[c] = src[c * srcStride + (w - 1 - r)] }
            }
        }
    }
}
