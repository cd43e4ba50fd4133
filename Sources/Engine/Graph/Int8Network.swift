import FacepipeCore

/// The int8 network: a quantised model planned for one input size. Every activation buffer,
/// indirection buffer, packed weight block and float output is allocated here, so `run()`
/// allocates nothing and cannot fail. Activations stay uint8 NHWC with channels blocked by 16
/// from the input to the heads; only the tensors named in `floatOutputs` (the detector heads)
/// are turned back into float CHW, after each run.
///
/// The input is the resized picture: `setInput` writes it through `InputQuantization` (a plain
/// copy for mean 128 / std 128). The first conv reads 4-byte input pixels (R, G, B, zero point)
/// with kc = 4: the kernels' K-group, so only one K of 4 per tap is padding, and the input
/// tensor is 4 bytes a pixel rather than a 16-byte block. An input read by any other op
/// uses the 16-byte blocked layout instead.
///
/// Conv work goes through `KernelTable.current()` (FACEPIPE_ISA or the best ISA here) and is
/// split over the engine's `WorkerPool`. Not for use from two threads at once.
public final class Int8Network: Network, @unchecked Sendable {
    public let model: ModelFile
    public let quantized: Int8Model
    public let plan: GraphPlan
    public let threads: Int
    public let isa: KernelISA
    /// Names of the tensors dequantised after each run.
    public let floatOutputs: [String]
    /// Per-layer facts for reports and benchmarks, in execution order.
    public let layers: [LayerInfo]
    /// When true, `run()` records each layer's wall time in `layerNanoseconds`.
    public var recordsLayerTimes: Bool {
        get { times.enabled }
        set { times.enabled = newValue }
    }
    /// Wall time of each layer in the last timed run (same order as `layers`).
    public var layerNanoseconds: [UInt64] { times.values }

    private let pool: WorkerPool
    private let tensors: [String: Int8Tensor]
    private let operators: [Operator]
    /// One per `floatOutputs` entry, same order.
    private let dequantizers: [DequantizeInt8]
    private let inputTensor: Int8Tensor
    private let times: LayerTimes

    public convenience init(model: ModelFile, quantized: Int8Model, inputWidth: Int, inputHeight: Int,
                            threads: Int = 1, floatOutputs: [String] = []) throws {
        try self.init(model: model, quantized: quantized, inputWidth: inputWidth, inputHeight: inputHeight,
                      threads: threads, floatOutputs: floatOutputs, kernels: try KernelTable.current())
    }

    /// With an explicit kernel table (tests compare ISAs in one process).
    init(model: ModelFile, quantized: Int8Model, inputWidth: Int, inputHeight: Int,
         threads: Int, floatOutputs: [String], kernels table: KernelTable) throws {
        let plan = try GraphPlan(model: model, inputWidth: inputWidth, inputHeight: inputHeight)
        self.model = model
        self.quantized = quantized
        self.plan = plan
        self.threads = max(1, threads)
        isa = table.isa
        pool = WorkerPool(threads: self.threads)

        let imageReaders = model.layers.filter { $0.inputs.contains(ModelFile.inputName) }
        let convOnly = imageReaders.allSatisfy { if case .conv = $0.operation { true } else { false } }
        let input = Int8Tensor(height: inputHeight, width: inputWidth, channels: model.inputChannels,
                               pixelStride: convOnly ? 4 : BlockedShape.paddedChannels(model.inputChannels))
        input.pointer.update(repeating: UInt8(quantized.input.parameters.zeroPoint), count: input.byteCount)
        var tensors = [ModelFile.inputName: input]
        var operators: [Operator] = []
        for (i, layer) in model.layers.enumerated() {
            let shape = plan.outputShapes[i]
            let out = Int8Tensor(height: shape.height, width: shape.width, channels: shape.channels,
                                 pixelStride: BlockedShape.paddedChannels(shape.channels))
            tensors[layer.name] = out
            let ins = layer.inputs.map { tensors[$0]! }
            func grid(_ name: String) throws -> ActivationQuantization {
                guard let q = quantized.activation(name) else {
                    throw ModelError(.missingTensor, file: model.yamlPath, subject: "tensor '\(name)'",
                                     problem: "has no int8 quantisation (calibration out of date?)")
                }
                return q
            }
            func layerError(_ error: Error) -> ModelError {
                ModelError(.badGraph, file: model.yamlPath, subject: "layer '\(layer.name)'", problem: "int8: \(error)")
            }
            let y = try grid(layer.name)
            switch layer.operation {
            case .conv(let p):
                let x = try grid(layer.inputs[0])
                guard let conv = quantized.convs[layer.name] else {
                    throw ModelError(.missingTensor, file: model.yamlPath, subject: "layer '\(layer.name)'",
                                     problem: "has no int8 weights")
                }
                do {
                    let packed = try Self.pack(conv, p, inputScale: x.scale, inputZeroPoint: x.zeroPoint, output: y)
                    let geometry = ConvIndirection.Geometry(inputHeight: ins[0].height, inputWidth: ins[0].width,
                                                            kernelHeight: p.kernel, kernelWidth: p.kernel,
                                                            stride: p.stride, padding: p.pad)
                    operators.append(ConvInt8(kernel: table.conv, weights: packed, geometry: geometry, input: ins[0],
                                              inputZeroPoint: x.zeroPoint, output: out, threads: self.threads))
                } catch { throw layerError(error) }
            case .maxpool(let p):
                operators.append(MaxPoolInt8(p, input: ins[0], output: out, threads: self.threads))
            case .upsample2x:
                operators.append(Upsample2xInt8(input: ins[0], output: out))
            case .add(let relu):
                let a = try grid(layer.inputs[0]), b = try grid(layer.inputs[1])
                do {
                    let parameters = try AddParameters(aScale: a.scale, aZeroPoint: a.zeroPoint, bScale: b.scale,
                                                       bZeroPoint: b.zeroPoint, outputScale: y.scale,
                                                       outputZeroPoint: y.zeroPoint, relu: relu)
                    operators.append(AddInt8(a: ins[0], b: ins[1], output: out, parameters: parameters, threads: self.threads))
                } catch { throw layerError(error) }
            case .concat(let relu):
                do {
                    let parameters = try ConcatParameters(inputs: try layer.inputs.map { (try grid($0).scale, try grid($0).zeroPoint) },
                                                          outputScale: y.scale, outputZeroPoint: y.zeroPoint, relu: relu)
                    operators.append(ConcatInt8(inputs: ins, output: out, parameters: parameters, threads: self.threads))
                } catch let e as ModelError { throw e } catch { throw layerError(error) }
            }
        }
        var dequantizers: [DequantizeInt8] = []
        for name in floatOutputs {
            guard let t = tensors[name], let q = quantized.activation(name) else {
                throw ModelError(.unknownTensor, file: model.yamlPath, subject: "tensor '\(name)'",
                                 problem: "no such tensor (the outputs are the layers' names and '\(ModelFile.inputName)')")
            }
            dequantizers.append(DequantizeInt8(input: t, quantization: q))
        }
        self.floatOutputs = floatOutputs
        self.tensors = tensors
        self.operators = operators
        self.dequantizers = dequantizers
        inputTensor = input
        layers = LayerInfo.list(model: model, plan: plan)
        times = LayerTimes(count: operators.count)
    }

    /// Packs a conv's int8 weights with its requantisation; a grouped conv becomes a dense one
    /// with zero weights between groups (exact; SSH models have none, so no grouped kernel).
    static func pack(_ conv: QuantizedConv, _ p: ConvParameters, inputScale: Double, inputZeroPoint: Int32,
                     output: ActivationQuantization) throws -> PackedConvWeights {
        var weights = conv.weights
        if p.groups > 1 {
            let cinG = p.inChannels / p.groups, coutG = p.outChannels / p.groups, taps = p.kernel * p.kernel
            weights = [Int8](repeating: 0, count: p.outChannels * p.inChannels * taps)
            for o in 0..<p.outChannels {
                let g = o / coutG
                for ci in 0..<cinG {
                    for t in 0..<taps {
                        weights[(o * p.inChannels + g * cinG + ci) * taps + t] = conv.weights[(o * cinG + ci) * taps + t]
                    }
                }
            }
        }
        let multipliers = conv.weightScales.map { inputScale * Double($0) / output.scale }
        let requant = try ConvRequantization(realMultipliers: multipliers,
                                             clamp: OutputClamp(zeroPoint: output.zeroPoint, relu: p.relu))
        return try PackedConvWeights(weightsOIHW: weights, bias: conv.bias, outputChannels: p.outChannels,
                                     inputChannels: p.inChannels, kernelHeight: p.kernel, kernelWidth: p.kernel,
                                     inputZeroPoint: inputZeroPoint, requantization: requant)
    }

    public var inputShape: TensorShape { plan.inputShape }

    /// Quantises a resized picture (at most the planned size) into the input; the rest is padding.
    public func setInput(_ image: RGBImage) {
        precondition(image.width <= inputTensor.width && image.height <= inputTensor.height, "picture larger than the planned input")
        quantized.input.write(image, into: inputTensor.pointer, pixelStride: inputTensor.pixelStride,
                              paddedWidth: inputTensor.width, paddedHeight: inputTensor.height)
    }

    /// Runs every layer in order, then dequantises the float outputs.
    public func run() {
        times.run { operators[$0].run(pool: pool) }
        for d in dequantizers { d.run() }
    }

    /// A float output of the last run, CHW (`floatOutputs` only). Fixed address for the network's life.
    public func headOutput(named name: String) throws -> TensorView { try floatOutput(named: name) }

    public func floatOutput(named name: String) throws -> TensorView {
        guard let i = floatOutputs.firstIndex(of: name), let shape = plan.shape(of: name) else {
            throw ModelError(.unknownTensor, file: model.yamlPath, subject: "tensor '\(name)'",
                             problem: "is not one of this network's float outputs (\(floatOutputs.joined(separator: ", ")))")
        }
        return TensorView(name: name, shape: shape, data: UnsafeBufferPointer(start: dequantizers[i].output, count: shape.count))
    }

    /// Any tensor of the last run as real values, NCHW order (allocates: for reports and tests).
    func dequantized(named name: String) throws -> [Float] {
        guard let t = tensors[name], let q = quantized.activation(name) else {
            throw ModelError(.unknownTensor, file: model.yamlPath, subject: "tensor '\(name)'",
                             problem: "no such tensor (the outputs are the layers' names and '\(ModelFile.inputName)')")
        }
        var out = [Float](repeating: 0, count: t.channels * t.pixels)
        for c in 0..<t.channels {
            for p in 0..<t.pixels { out[c * t.pixels + p] = q.real(t.pointer[p * t.pixelStride + c]) }
        }
        return out
    }

    /// Any tensor of the last run as raw uint8, NCHW order (padding channels left out).
    func quantizedValues(named name: String) throws -> [UInt8] {
        guard let t = tensors[name] else {
            throw ModelError(.unknownTensor, file: model.yamlPath, subject: "tensor '\(name)'", problem: "no such tensor")
        }
        var out = [UInt8](repeating: 0, count: t.channels * t.pixels)
        for c in 0..<t.channels {
            for p in 0..<t.pixels { out[c * t.pixels + p] = t.pointer[p * t.pixelStride + c] }
        }
        return out
    }
}
