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

/// fp32 reference backend: plans an `FP32Network` per padded size (a pipeline has one size,
/// so it plans once), normalises the picture into its input, runs it.
public final class FP32Backend: DetectorBackend {
    public let model: ModelFile
    public let threads: Int
    private let normalizer: InputNormalizer
    private var networks: [Int: FP32Network] = [:]
    private var current: FP32Network?
    public var label: String { "fp32 (OpenBLAS, \(threads) thread\(threads == 1 ? "" : "s"))" }

    public init(model: ModelFile, threads: Int) {
        self.model = model
        self.threads = max(1, threads)
        normalizer = InputNormalizer(rule: model.description.input)
    }

    /// The planned network for a padded size (planned on first use).
    public func network(paddedWidth: Int, paddedHeight: Int) throws -> FP32Network {
        let key = paddedWidth << 32 | paddedHeight
        if let n = networks[key] { return n }
        let n = try FP32Network(model: model, inputWidth: paddedWidth, inputHeight: paddedHeight, threads: threads)
        networks[key] = n
        return n
    }

    public func run(image: RGBImage, paddedWidth: Int, paddedHeight: Int) throws {
        let net = try network(paddedWidth: paddedWidth, paddedHeight: paddedHeight)
        normalizer.normalize(image, into: net.input.baseAddress!, paddedWidth: paddedWidth, paddedHeight: paddedHeight)
        net.run()
        current = net
    }

    public func head(_ name: String) throws -> (data: UnsafePointer<Float>, height: Int, width: Int) {
        guard let net = current else { throw DetectorError.notRun }
        let view = try net.output(named: name)
        return (view.data.baseAddress!, view.shape.height, view.shape.width)
    }
}

public enum DetectorError: Error, CustomStringConvertible {
    case notRun
    case noDetectorSection(String)
    case unsupportedEngine(String)

    public var description: String {
        switch self {
        case .notRun: return "detector: no network output yet (run() was not called)"
        case .noDetectorSection(let path): return "\(path): the model has no 'detector' section (anchors and NMS settings)"
        case .unsupportedEngine(let why): return why
        }
    }
}

extension InputNormalizer {
    public init(rule: InputRule) {
        func triple(_ v: [Float]) -> (Float, Float, Float) { (v[0], v[1], v[2]) }
        self.init(channels: rule.channels == .rgb ? .rgb : .bgr, mean: triple(rule.mean), std: triple(rule.std),
                  maxShortSide: rule.maxShortSide, maxLongSide: rule.maxLongSide, padMultiple: rule.padMultiple)
    }
}
