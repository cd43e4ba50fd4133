import Engine
import FacepipeCore

/// The network half of the detector: takes a resized picture, leaves every head output as
/// float CHW. fp32 (OpenBLAS reference) and int8 (our SIMD kernels) both implement it.
public protocol DetectorBackend: AnyObject {
    /// "fp32" or "int8 (vnni)" etc., for logs and benchmarks.
    var label: String { get }
    /// Runs the network on `image` (at most paddedWidth x paddedHeight), padded with the mean.
    func run(image: RGBImage, paddedWidth: Int, paddedHeight: Int) throws
    /// A head output of the last run, [C, H, W] floats.
    func head(_ name: String) throws -> (data: UnsafePointer<Float>, height: Int, width: Int)
}
