/// The consistency checks `ModelFile` runs at load, each naming the key, layer or tensor at
/// fault: the header values, the graph (inputs exist and come earlier, parameters in range,
/// channels agree), the weights (present, F32, right shape, none left over) and the
/// detector section (heads exist with 2K / 4K channels).
extension ModelFile {
    static func checkHeader(_ d: ModelDescription, yamlPath: String) throws {
        func bad(_ key: String, _ problem: String) -> ModelError {
            ModelError(.badGraph, file: yamlPath, subject: key, problem: problem)
        }
        guard d.format == supportedFormatName else {
            throw bad("format", "is '\(d.format)', this engine reads '\(supportedFormatName)'")
        }
        guard d.input.mean.count == 3 else { throw bad("input.mean", "needs 3 values, found \(d.input.mean.count)") }
        guard d.input.std.count == 3 else { throw bad("input.std", "needs 3 values, found \(d.input.std.count)") }
        guard d.input.std.allSatisfy({ $0 != 0 }) else { throw bad("input.std", "a value is 0") }
        guard d.input.maxShortSide > 0, d.input.maxLongSide >= d.input.maxShortSide else {
            throw bad("input", "max_short_side must be > 0 and <= max_long_side")
        }
        guard d.input.padMultiple >= 1 else { throw bad("input.pad_multiple", "must be >= 1") }
        guard !d.layers.isEmpty else { throw bad("layers", "the graph has no layers") }
    }

    static var supportedFormatName: String { ModelDescription.supportedFormat }

    static func checkedLayers(_ descriptions: [LayerDescription], inputChannels: Int, yamlPath: String) throws -> [Layer] {
        var channels: [String: Int] = [inputName: inputChannels]
        var layers: [Layer] = []
        for (index, d) in descriptions.enumerated() {
            func bad(_ problem: String) -> ModelError {
                ModelError(.badGraph, file: yamlPath, subject: "layers[\(index)] '\(d.name)'", problem: problem)
            }
            guard !d.name.isEmpty else { throw bad("the name is empty") }
            guard channels[d.name] == nil else {
                throw bad(d.name == inputName ? "'\(inputName)' is the network input's name" : "the name is used by an earlier layer")
            }
            var inChannels: [Int] = []
            for input in d.inputs {
                guard let c = channels[input] else {
                    let later = descriptions[(index + 1)...].contains { $0.name == input }
                    throw bad(later ? "input '\(input)' is produced by a later layer (layers run in file order)"
                                    : "input '\(input)' is not the image or any layer")
                }
                inChannels.append(c)
            }
            let expectedInputs: ClosedRange<Int> = switch d.op {
            case .conv, .maxpool, .upsample2x: 1...1
            case .add: 2...2
            case .concat: 1...Int.max
            }
            guard expectedInputs.contains(d.inputs.count) else {
                let want = expectedInputs.lowerBound == expectedInputs.upperBound ? "\(expectedInputs.lowerBound)" : "at least \(expectedInputs.lowerBound)"
                throw bad("\(d.op.rawValue) takes \(want) input(s), found \(d.inputs.count)")
            }
            func required(_ value: Int?, _ key: String, min: Int) throws -> Int {
                guard let value else { throw bad("\(d.op.rawValue) needs '\(key)'") }
                guard value >= min else { throw bad("'\(key)' is \(value), must be >= \(min)") }
                return value
            }
            let operation: Layer.Operation
            let outChannels: Int
            switch d.op {
            case .conv:
                let groups = try required(d.groups ?? 1, "groups", min: 1)
                let p = ConvParameters(inChannels: inChannels[0],
                                       outChannels: try required(d.outChannels, "out_channels", min: 1),
                                       kernel: try required(d.kernel, "kernel", min: 1),
                                       stride: try required(d.stride, "stride", min: 1),
                                       pad: try required(d.pad, "pad", min: 0),
                                       groups: groups, relu: d.relu ?? false)
                guard p.inChannels % groups == 0, p.outChannels % groups == 0 else {
                    throw bad("groups \(groups) must divide input channels \(p.inChannels) and out_channels \(p.outChannels)")
                }
                operation = .conv(p)
                outChannels = p.outChannels
            case .maxpool:
                let p = PoolParameters(kernel: try required(d.kernel, "kernel", min: 1),
                                       stride: try required(d.stride, "stride", min: 1),
                                       pad: try required(d.pad, "pad", min: 0))
                // PyTorch refuses larger padding: a window could then lie wholly in the padding.
                guard p.pad * 2 <= p.kernel else { throw bad("pad \(p.pad) must be at most half the kernel \(p.kernel)") }
                operation = .maxpool(p)
                outChannels = inChannels[0]
            case .upsample2x:
                operation = .upsample2x
                outChannels = inChannels[0]
            case .add:
                guard inChannels[0] == inChannels[1] else {
                    throw bad("add needs equal channels, '\(d.inputs[0])' has \(inChannels[0]) and '\(d.inputs[1])' has \(inChannels[1])")
                }
                operation = .add(relu: d.relu ?? false)
                outChannels = inChannels[0]
            case .concat:
                operation = .concat(relu: d.relu ?? false)
                outChannels = inChannels.reduce(0, +)
            }
            channels[d.name] = outChannels
            layers.append(Layer(name: d.name, inputs: d.inputs, operation: operation, outChannels: outChannels))
        }
        return layers
    }

    static func checkWeights(_ layers: [Layer], tensors: SafeTensors) throws {
        var expected: [String: (shape: [Int], layer: String)] = [:]
        for layer in layers {
            guard case .conv(let p) = layer.operation else { continue }
            expected["\(layer.name).weight"] = (p.weightShape, layer.name)
            expected["\(layer.name).bias"] = ([p.outChannels], layer.name)
        }
        // Report in layer order so the first broken layer is the one named.
        for layer in layers {
            for suffix in ["weight", "bias"] {
                let name = "\(layer.name).\(suffix)"
                guard let want = expected[name] else { continue }
                guard let info = tensors.info(name) else {
                    throw ModelError(.missingTensor, file: tensors.path, subject: "tensor '\(name)'",
                                     problem: "missing (conv layer '\(layer.name)' needs \(suffix) F32 \(want.shape))")
                }
                guard info.dtype == .f32 else {
                    throw ModelError(.wrongTensor, file: tensors.path, subject: "tensor '\(name)'",
                                     problem: "is \(info.dtype.rawValue), conv layer '\(layer.name)' needs F32")
                }
                guard info.shape == want.shape else {
                    throw ModelError(.wrongTensor, file: tensors.path, subject: "tensor '\(name)'",
                                     problem: "has shape \(info.shape), conv layer '\(layer.name)' needs \(want.shape)")
                }
            }
        }
        if let extra = tensors.names.first(where: { expected[$0] == nil }) {
            throw ModelError(.extraTensor, file: tensors.path, subject: "tensor '\(extra)'",
                             problem: "is not used by any layer of the graph (stale export or misspelt layer?)")
        }
        try checkFinite(layers, tensors: tensors)
    }

    /// A NaN or infinity in a weight poisons every output it reaches: the network would run and
    /// silently find nothing, so such a model is refused, naming the first tensor that holds one.
    static func checkFinite(_ layers: [Layer], tensors: SafeTensors) throws {
        for layer in layers {
            guard case .conv = layer.operation else { continue }
            for suffix in ["weight", "bias"] {
                let name = "\(layer.name).\(suffix)"
                let values = try tensors.floats(name)
                guard let first = values.firstIndex(where: { !$0.isFinite }) else { continue }
                let count = values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
                throw ModelError(.nonFinite, file: tensors.path, subject: "tensor '\(name)'",
                                 problem: "holds \(count) non-finite value\(count == 1 ? "" : "s") (the first, element \(first), "
                                    + "is \(values[first])); the model is broken: re-export or retrain it")
            }
        }
    }

    static func checkDetector(_ d: DetectorSettings, layers: [Layer], yamlPath: String) throws {
        func bad(_ key: String, _ problem: String) -> ModelError {
            ModelError(.badGraph, file: yamlPath, subject: "detector.\(key)", problem: problem)
        }
        guard (0...1).contains(d.scoreThreshold) else { throw bad("score_threshold", "must be in 0...1, found \(d.scoreThreshold)") }
        guard (0...1).contains(d.nmsIou) else { throw bad("nms_iou", "must be in 0...1, found \(d.nmsIou)") }
        guard d.preNmsTopK >= 1 else { throw bad("pre_nms_top_k", "must be at least 1, found \(d.preNmsTopK)") }
        guard d.maxDetections >= 1 else { throw bad("max_detections", "must be at least 1, found \(d.maxDetections)") }
        for (i, m) in d.modules.enumerated() {
            let subject = "detector.modules[\(i)] '\(m.name)'"
            guard !m.anchorSizes.isEmpty, m.stride >= 1 else {
                throw ModelError(.badGraph, file: yamlPath, subject: subject, problem: "needs stride >= 1 and at least one anchor size")
            }
            for (head, perAnchor) in [(m.cls, 2), (m.reg, 4)] {
                guard let layer = layers.first(where: { $0.name == head }) else {
                    throw ModelError(.badGraph, file: yamlPath, subject: subject, problem: "head '\(head)' is not a layer")
                }
                guard layer.outChannels == perAnchor * m.anchorSizes.count else {
                    throw ModelError(.badGraph, file: yamlPath, subject: subject,
                                     problem: "head '\(head)' has \(layer.outChannels) channels, \(m.anchorSizes.count) anchors need \(perAnchor * m.anchorSizes.count)")
                }
            }
        }
    }
}
