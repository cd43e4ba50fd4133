/// The shapes of every tensor of a model at one input size, and the work each layer does.
/// Planning checks that the graph fits the size (no layer shrinks to nothing, added and
/// concatenated tensors line up), so running can never fail.
public struct GraphPlan: Sendable {
    let inputShape: TensorShape
    /// One per layer, in model order.
    public let outputShapes: [TensorShape]
    /// Multiply-accumulates per layer (conv only; 0 for data movement ops).
    public let macs: [Int]
    private let index: [String: Int]

    public init(model: ModelFile, inputWidth: Int, inputHeight: Int) throws {
        guard inputWidth >= 1, inputHeight >= 1 else {
            throw ModelError(.badInputSize, file: model.yamlPath, problem: "input size \(inputWidth)x\(inputHeight) is empty")
        }
        inputShape = TensorShape(channels: model.inputChannels, height: inputHeight, width: inputWidth)
        var shapes: [String: TensorShape] = [ModelFile.inputName: inputShape]
        var outputs: [TensorShape] = []
        var macs: [Int] = []
        var index: [String: Int] = [:]
        for (i, layer) in model.layers.enumerated() {
            func bad(_ problem: String) -> ModelError {
                ModelError(.badInputSize, file: model.yamlPath, subject: "layer '\(layer.name)'",
                           problem: "\(problem) at input \(inputWidth)x\(inputHeight)")
            }
            let ins = layer.inputs.map { shapes[$0]! }
            let out: TensorShape
            var layerMacs = 0
            switch layer.operation {
            case .conv(let p):
                let (h, w) = p.outputSize(height: ins[0].height, width: ins[0].width)
                guard h >= 1, w >= 1 else { throw bad("conv output would be \(w)x\(h) from \(ins[0].width)x\(ins[0].height)") }
                out = TensorShape(channels: p.outChannels, height: h, width: w)
                layerMacs = out.count * (p.inChannels / p.groups) * p.kernel * p.kernel
            case .maxpool(let p):
                let (h, w) = p.outputSize(height: ins[0].height, width: ins[0].width)
                guard h >= 1, w >= 1 else { throw bad("maxpool output would be \(w)x\(h) from \(ins[0].width)x\(ins[0].height)") }
                out = TensorShape(channels: ins[0].channels, height: h, width: w)
            case .upsample2x:
                out = TensorShape(channels: ins[0].channels, height: ins[0].height * 2, width: ins[0].width * 2)
            case .add:
                guard ins[0] == ins[1] else {
                    throw bad("add inputs '\(layer.inputs[0])' \(ins[0]) and '\(layer.inputs[1])' \(ins[1]) differ (pad the input to a multiple of the deepest stride)")
                }
                out = ins[0]
            case .concat:
                for (name, s) in zip(layer.inputs, ins) where s.height != ins[0].height || s.width != ins[0].width {
                    throw bad("concat input '\(name)' is \(s.width)x\(s.height), '\(layer.inputs[0])' is \(ins[0].width)x\(ins[0].height)")
                }
                out = TensorShape(channels: layer.outChannels, height: ins[0].height, width: ins[0].width)
            }
            shapes[layer.name] = out
            outputs.append(out)
            macs.append(layerMacs)
            index[layer.name] = i
        }
        self.outputShapes = outputs
        self.macs = macs
        self.index = index
    }

    /// The shape of the input ("image") or of a layer's output.
    public func shape(of tensor: String) -> TensorShape? {
        if tensor == ModelFile.inputName { return inputShape }
        return index[tensor].map { outputShapes[$0] }
    }

    public var totalMacs: Int { macs.reduce(0, +) }
}
