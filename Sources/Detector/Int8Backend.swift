import Engine
import FacepipeCore

/// The int8 backend: the quantised model (int8.yaml + int8.safetensors beside model.yaml) run
/// by `Int8Network`, planned once per padded size; the picture goes in as bytes (no float
/// normalisation) and only the detector heads come back as float CHW.
public final class Int8Backend: DetectorBackend {
    public let model: ModelFile
    public let quantized: Int8Model
    public let threads: Int
    public let isa: KernelISA
    private let heads: [String]
    private var networks = PlannedNetworks<Int8Network>()

    public var label: String { "int8 (\(isa), \(threads) thread\(threads == 1 ? "" : "s"))" }

    public init(model: ModelFile, quantized: Int8Model, threads: Int) throws {
        guard let detector = model.description.detector else { throw DetectorError.noDetectorSection(model.yamlPath) }
        self.model = model
        self.quantized = quantized
        self.threads = max(1, threads)
        isa = try KernelISA.selected()
        heads = detector.modules.flatMap { [$0.cls, $0.reg] }
    }

    /// Reads and checks the int8 files of `modelDirectory` against `model`; says how to make
    /// them when there are none.
    public static func load(modelDirectory: String, model: ModelFile, threads: Int) throws -> Int8Backend {
        try Int8Backend(model: model, quantized: try Int8Model.load(directory: modelDirectory, model: model), threads: threads)
    }

    public func run(image: RGBImage, paddedWidth: Int, paddedHeight: Int) throws {
        try networks.run(image, width: paddedWidth, height: paddedHeight) {
            try Int8Network(model: model, quantized: quantized, inputWidth: paddedWidth, inputHeight: paddedHeight,
                            threads: threads, floatOutputs: heads)
        }
    }

    public func head(_ name: String) throws -> (data: UnsafePointer<Float>, height: Int, width: Int) {
        try networks.head(name)
    }
}
