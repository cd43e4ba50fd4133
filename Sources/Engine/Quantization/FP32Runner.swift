import FacepipeCore

/// The fp32 network for the size of the last picture (calibration pictures come in many sizes;
/// only one plan is kept, so memory stays that of one network).
final class FP32Runner {
    let model: ModelFile
    let threads: Int
    private var network: FP32Network?

    init(model: ModelFile, threads: Int) {
        self.model = model
        self.threads = threads
    }

    func run(_ image: RGBImage) throws -> FP32Network {
        let rule = model.description.input
        let size = rule.paddedSize(width: image.width, height: image.height)
        if network?.inputShape.width != size.width || network?.inputShape.height != size.height {
            network = nil
            network = try FP32Network(model: model, inputWidth: size.width, inputHeight: size.height, threads: threads)
        }
        let net = network!
        rule.normalize(image, into: net.input.baseAddress!, paddedWidth: size.width, paddedHeight: size.height)
        net.run()
        return net
    }
}
