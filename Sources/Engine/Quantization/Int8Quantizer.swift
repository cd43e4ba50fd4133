/// Chooses every quantisation parameter from calibrated ranges:
/// - activations: uint8, per tensor, 255 steps over the range widened to include 0 (ReLU
///   outputs get zero point 0); maxpool and upsample keep their input's grid (the kernels
///   need no requantisation then);
/// - a conv whose only reader is a concat is written straight onto the concat's grid: the
///   concat then copies it exactly (rescale ratio 1), and a ReLU on the concat becomes the
///   conv's clamp, since relu(concat(x)) = concat(relu(x)) — one rounding instead of two;
/// - weights: int8, symmetric, one scale per output channel (max |w| / 127);
///   biases: int32, round(bias / (input scale * weight scale));
/// - the kernels' limits (conv real multiplier < 0.5, add/concat ratio < 2^20) are met by
///   widening the offending output grid, and each such change is recorded in `adjustments`.
enum Int8Quantizer {
    /// Conv multipliers stay a little below the kernels' bound of 0.5.
    static let maximumConvMultiplier = 0.49

    static func quantize(model: ModelFile, ranges: [String: (low: Double, high: Double)],
                         calibration: CalibrationInfo) throws -> Int8Model {
        let input = InputQuantization(rule: model.description.input)
        var params: [String: ActivationQuantization] = [:]
        var convs: [String: QuantizedConv] = [:]
        var adjustments: [String] = []
        let sharedWithConcat = concatSharing(model)
        func grid(_ name: String) -> ActivationQuantization {
            let r = ranges[name] ?? (0, 0)
            return ActivationQuantization(low: r.low, high: r.high)
        }
        func of(_ tensor: String) -> ActivationQuantization {
            tensor == ModelFile.inputName ? input.parameters : params[tensor]!
        }
        for layer in model.layers {
            switch layer.operation {
            case .conv(let p):
                let x = of(layer.inputs[0])
                var y = sharedWithConcat[layer.name].map(grid) ?? grid(layer.name)
                let (weight, bias) = try model.convWeights(layer.name)
                let q = quantizeWeights(weight, bias: bias, outChannels: p.outChannels, inputScale: x.scale)
                convs[layer.name] = q.conv
                adjustments += q.notes.map { "\(layer.name): \($0)" }
                let largest = x.scale * Double(q.conv.weightScales.max() ?? 0) / y.scale
                if largest > maximumConvMultiplier {
                    let widened = widen(y, toScale: x.scale * Double(q.conv.weightScales.max()!) / maximumConvMultiplier)
                    adjustments.append("\(layer.name): output scale \(y.scale) -> \(widened.scale) "
                        + "(conv multiplier \(largest) over the kernels' limit 0.5)"
                        + (sharedWithConcat[layer.name].map { "; it no longer shares the grid of concat '\($0)'" } ?? ""))
                    y = widened
                }
                params[layer.name] = y
            case .maxpool, .upsample2x:
                params[layer.name] = of(layer.inputs[0])
            case .add(let relu):
                var y = grid(layer.name)
                while (try? AddParameters(aScale: of(layer.inputs[0]).scale, aZeroPoint: of(layer.inputs[0]).zeroPoint,
                                          bScale: of(layer.inputs[1]).scale, bZeroPoint: of(layer.inputs[1]).zeroPoint,
                                          outputScale: y.scale, outputZeroPoint: y.zeroPoint, relu: relu)) == nil {
                    let widened = widen(y, toScale: y.scale * 2)
                    adjustments.append("\(layer.name): output scale \(y.scale) -> \(widened.scale) (add input/output ratio over 2^20)")
                    y = widened
                }
                params[layer.name] = y
            case .concat(let relu):
                var y = grid(layer.name)
                while (try? ConcatParameters(inputs: layer.inputs.map { (of($0).scale, of($0).zeroPoint) },
                                             outputScale: y.scale, outputZeroPoint: y.zeroPoint, relu: relu)) == nil {
                    let widened = widen(y, toScale: y.scale * 2)
                    adjustments.append("\(layer.name): output scale \(y.scale) -> \(widened.scale) (concat input/output ratio over 2^20)")
                    y = widened
                }
                params[layer.name] = y
            }
        }
        let source = try WeightsFingerprint.of(path: model.tensors.path, name: model.description.weights)
        return Int8Model(input: input, activations: params, convs: convs, calibration: calibration,
                         source: source, adjustments: adjustments)
    }

    /// Convs (by name) whose output is read by exactly one layer, a concat: name -> the concat.
    static func concatSharing(_ model: ModelFile) -> [String: String] {
        var readers: [String: Set<String>] = [:]
        for layer in model.layers {
            for input in layer.inputs { readers[input, default: []].insert(layer.name) }
        }
        let heads = Set(model.description.detector?.modules.flatMap { [$0.cls, $0.reg] } ?? [])
        var shared: [String: String] = [:]
        for layer in model.layers {
            guard case .conv = layer.operation, !heads.contains(layer.name),
                  let r = readers[layer.name], r.count == 1, let concat = model.layer(named: r.first!),
                  case .concat = concat.operation else { continue }
            shared[layer.name] = concat.name
        }
        return shared
    }

    /// The same real low end on a coarser grid.
    static func widen(_ q: ActivationQuantization, toScale scale: Double) -> ActivationQuantization {
        let low = Double(0 - q.zeroPoint) * q.scale
        return ActivationQuantization(scale: scale, zeroPoint: Int32(min(max((-low / scale).rounded(), 0), 255)))
    }

    static func quantizeWeights(_ weight: [Float], bias: [Float], outChannels: Int,
                                inputScale: Double) -> (conv: QuantizedConv, notes: [String]) {
        let perChannel = weight.count / outChannels
        var scales = (0..<outChannels).map { o in
            Float(weight[(o * perChannel)..<((o + 1) * perChannel)].reduce(0) { max($0, abs($1)) } / 127)
        }
        // An all-zero channel only carries its bias: give it a typical scale so the bias fits.
        let typical = scales.max() ?? 0
        var notes: [String] = []
        for o in 0..<outChannels where scales[o] == 0 {
            scales[o] = typical > 0 ? typical : Float(max(abs(Double(bias[o])) / inputScale / 1e9, 1e-12))
        }
        var q = [Int8](repeating: 0, count: weight.count)
        for i in weight.indices {
            q[i] = Int8(max(-127, min(127, (weight[i] / scales[i / perChannel]).rounded())))
        }
        var b = [Int32](repeating: 0, count: outChannels)
        for o in 0..<outChannels {
            let v = (Double(bias[o]) / (inputScale * Double(scales[o]))).rounded()
            if abs(v) > Double(Int32.max) { notes.append("bias of channel \(o) clamped to int32") }
            b[o] = Int32(max(Double(-Int32.max), min(Double(Int32.max), v)))
        }
        return (QuantizedConv(weights: q, bias: b, weightScales: scales), notes)
    }
}
