import Engine
import FacepipeCore

/// SSH face detection on a resized picture: network (any backend), anchors, decode, top-k,
/// NMS, boxes back in source pixels. Settings come from the model YAML's `detector` section.
public final class FaceDetector {
    public let model: ModelFile
    public let backend: DetectorBackend
    public let normalizer: InputNormalizer
    private let decoder: BoxDecoder

    public var settings: DetectionSettings {
        get { decoder.settings }
        set { decoder.settings = newValue }
    }

    public init(model: ModelFile, backend: DetectorBackend) throws {
        guard let det = model.description.detector else { throw DetectorError.noDetectorSection(model.yamlPath) }
        self.model = model
        self.backend = backend
        normalizer = InputNormalizer(rule: model.description.input)
        let modules = det.modules.map {
            ModuleAnchors(name: $0.name, stride: $0.stride, sizes: $0.anchorSizes, clsTensor: $0.cls, regTensor: $0.reg)
        }
        decoder = BoxDecoder(modules: modules, settings: DetectionSettings(
            scoreThreshold: det.scoreThreshold, nmsIoU: det.nmsIou, preNMSTopK: det.preNmsTopK, maxDetections: det.maxDetections))
    }

    /// The resize rule's limits (short side, long side) for this model.
    public var maxSides: (short: Int, long: Int) { (normalizer.maxShortSide, normalizer.maxLongSide) }

    /// Detects faces in `image` (already resized by the model's rule, `image.scaleX/Y` mapping it
    /// back to the source) and appends them, in source pixels, to `detections`.
    public func detect(_ image: RGBImage, sourceWidth: Int, sourceHeight: Int, into detections: inout [Detection]) throws {
        let padded = normalizer.paddedSize(width: image.width, height: image.height)
        try backend.run(image: image, paddedWidth: padded.width, paddedHeight: padded.height)
        decoder.reset()
        for module in decoder.modules {
            let cls = try backend.head(module.clsTensor)
            let reg = try backend.head(module.regTensor)
            decoder.addModule(module, cls: cls.data, reg: reg.data, height: cls.height, width: cls.width)
        }
        // image = source / scale  =>  network pixels -> source pixels multiplies by image.scaleX.
        decoder.finish(scaleX: 1 / image.scaleX, scaleY: 1 / image.scaleY,
                       sourceWidth: Float(sourceWidth), sourceHeight: Float(sourceHeight), into: &detections)
    }
}
