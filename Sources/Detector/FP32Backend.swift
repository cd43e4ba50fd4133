import Engine
import FacepipeCore

/// fp32 reference backend: plans an `FP32Network` per padded size (a pipeline has one size,
/// so it plans once), sets the picture as its input (normalised there), runs it.
public final class FP32Backend: DetectorBackend {
    public let model: ModelFile
    public let threads: Int
    private var networks = PlannedNetworks<FP32Network>()
    public var label: String { "fp32 (OpenBLAS, \(threads) thread\(threads == 1 ? "" : "s"))" }

    public init(model: ModelFile, threads: Int) {
        self.model = model
        self.threads = max(1, threads)
    }

    public func run(image: RGBImage, paddedWidth: Int, paddedHeight: Int) throws {
        try networks.run(image, width: paddedWidth, height: paddedHeight) {
            try FP32Network(model: model, inputWidth: paddedWidth, inputHeight: paddedHeight, threads: threads)
        }
    }

    public func head(_ name: String) throws -> (data: UnsafePointer<Float>, height: Int, width: Int) {
        try networks.head(name)
    }
}
